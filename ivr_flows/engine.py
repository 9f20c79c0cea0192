"""The IVR engine: a flow, the call's stored state and the caller's answer in; TwiML, new state and what
happened out. Pure: no web framework, no database; the application plugs in services and URLs."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from twilio.twiml.voice_response import Gather, VoiceResponse

from .errors import FlowRuntimeError, InvalidInput
from .flow import Flow, Step
from .inputs import Reply
from .prompts import assign, lookup, render_prompt, render_value
from .speech import LOCALES

# A turn that runs this many steps without asking the caller anything is looping.
MAX_STEPS_PER_TURN = 50

Catalog = Mapping[str, Flow]


@dataclass(frozen=True)
class Wiring:
    """What the application plugs into the engine: named crm_core services, the webhook URL a step's
    answer comes back to, how to put a caller in an agent queue, and today's date."""

    services: Mapping[str, Callable[..., object]]
    action_url: Callable[[str], str]
    enqueue: Callable[[VoiceResponse, str | None], VoiceResponse]
    today: date | None = None


@dataclass(frozen=True)
class Visit:
    """One entry of the call's IVR path: a step entered or answered, with what the session log keeps."""

    step: str
    detail: dict = field(default_factory=dict)


class Turn:
    """One webhook's worth of flow: the TwiML being built, the call's variables and what happened."""

    def __init__(self, catalog: Catalog, flow: Flow, state: dict, wiring: Wiring, entry_flow: str):
        self.catalog = catalog
        self.flow = flow
        self.wiring = wiring
        self.entry_flow = entry_flow
        self.response = VoiceResponse()
        self.variables: dict = copy.deepcopy(state.get("vars", {}))
        self.secrets: dict = {}  # answers to secret questions: used in this turn, never stored
        self.language: str | None = state.get("lang")
        self.tries: int = state.get("tries", 0)
        self.step: str | None = state.get("step")
        self.ended: bool = state.get("ended", False)
        self.visits: list[Visit] = []
        self.outcome: str | None = None
        self.handoff: dict | None = None
        self.failed_step: str | None = None
        self.hinting = False

    # -- what the caller hears ------------------------------------------------------------------------------

    @property
    def speaking(self) -> tuple[str, ...]:
        """The languages prompts are said in: the caller's, or every language of the flow until one is chosen."""
        return (self.language,) if self.language else self.flow.languages

    @property
    def listening(self) -> str:
        """The language speech answers are recognised in."""
        return self.language or self.flow.languages[0]

    def say(self, prompt: Mapping, into: VoiceResponse | Gather | None = None) -> None:
        """Say a prompt in the caller's language(s), with the flow's voice for each."""
        target = self.response if into is None else into
        for language in self.speaking:
            text = render_prompt(prompt[language], self.view, language, today=self.wiring.today)
            if text:
                voice = self.flow.voices.get(language)
                target.say(text, language=LOCALES[language], **({"voice": voice} if voice else {}))

    def ask(self, step: Step, into: VoiceResponse | Gather) -> None:
        """Say a question: after a failed try, the short hint first."""
        if self.hinting:
            self.say(step.spec.get("hint") or self.flow.retry_hint, into)
        self.say(step.spec["prompt"], into)

    def gather(self, step: Step, **attributes) -> Gather:
        """A <Gather> whose answer (or silence) comes back to this step's webhook."""
        return self.response.gather(
            action=self.wiring.action_url(step.name), method="POST", action_on_empty_result=True,
            timeout=step.spec.get("timeout", 5), language=LOCALES[self.listening], **attributes,
        )

    # -- the call's variables -------------------------------------------------------------------------------

    @property
    def view(self) -> dict:
        """Variables and this turn's secrets, as templates see them."""
        return self.variables | self.secrets

    def value(self, path: str):
        """A variable by dotted path."""
        return lookup(self.view, path)

    def render(self, template: str):
        """A template used as data (arguments, values, context)."""
        return render_value(template, self.view)

    def remember(self, path: str, value, *, secret: bool = False) -> None:
        """Keep a value for later steps (secrets only for this turn)."""
        assign(self.secrets if secret else self.variables, path, value)

    def choose_language(self, language) -> None:
        """Speak the caller's language from now on (the flow's first language if it has not got theirs)."""
        self.language = language if language in self.flow.languages else self.flow.languages[0]

    def call_service(self, name: str, *args, **kwargs):
        """Call a crm_core service the application provided."""
        service = self.wiring.services.get(name)
        if service is None:
            raise FlowRuntimeError(f"{self.flow.source}: the application provides no service {name!r}")
        return service(*args, **kwargs)

    # -- what happened --------------------------------------------------------------------------------------

    def note(self, **detail) -> None:
        """Add to the log entry of the step being run."""
        self.visits[-1].detail.update(detail)

    def finish(self, outcome: str) -> None:
        """Record how the IVR session ends so far (the last one set wins)."""
        self.outcome = outcome

    def hand_over(self, queue: str | None, context: dict) -> None:
        """Remember that the caller goes to an agent, with what the agent should see."""
        if self.failed_step:
            context = context | {"ivr_failed_step": self.failed_step}
        self.handoff = {"queue": queue, "context": context}

    def state(self) -> dict:
        """What must survive until the next webhook of the call (never the secrets)."""
        return {"flow": self.flow.name, "version": self.flow.version, "step": self.step, "ended": self.ended,
                "tries": self.tries, "lang": self.language, "vars": self.variables}

    # -- running steps --------------------------------------------------------------------------------------

    def run(self, name: str, *, again: bool = False, hint: bool = False) -> None:
        """Run steps from `name` until one waits for the caller or ends the session; `again` asks the
        waiting step once more (its failed tries still count), `hint` says the short hint first."""
        for _ in range(MAX_STEPS_PER_TURN):
            step = self._step(name)
            self.visits.append(Visit(self._path_name(step.name)))
            if step.kind.waits_for_caller and not again:
                self.tries = 0
            self.hinting, again, hint = hint, False, False
            self.step = step.name
            following = step.kind.enter(self, step)
            if following is None:
                self.ended = not step.kind.waits_for_caller
                return
            name = following
        raise FlowRuntimeError(f"{self.flow.source}: step {name!r}: {MAX_STEPS_PER_TURN} steps without the caller")

    def answer(self, step: Step, reply: Reply) -> None:
        """Apply the caller's answer to the step that asked; a failed try re-asks with a hint, the last
        failed try goes to the step's (or flow's) on_failure."""
        secret = bool(step.spec.get("secret"))
        try:
            following = step.kind.answer(self, step, reply)
        except InvalidInput:
            self.visits.append(Visit(self._path_name(f"{step.name}:{'timeout' if reply.empty else 'invalid'}"),
                                     {"input": reply.logged(secret=secret)} if not reply.empty else {}))
            self.tries += 1
            if self.tries < self.flow.max_tries:
                self.run(step.name, again=True, hint=True)
                return
            self.failed_step = step.name
            self.run(step.spec.get("on_failure", self.flow.on_failure))
            return
        self.visits.append(Visit(self._path_name(f"{step.name}:{reply.logged(secret=secret)}")))
        self.run(following)

    def switch_flow(self, name: str, step: str | None) -> str:
        """Continue in another flow (variables and language carry over); return the step to run there."""
        if name not in self.catalog:
            raise FlowRuntimeError(f"{self.flow.source}: no flow {name!r}")
        self.flow = self.catalog[name]
        return step or self.flow.start

    def _step(self, name: str) -> Step:
        if name not in self.flow.steps:
            raise FlowRuntimeError(f"{self.flow.source}: no step {name!r}")
        return self.flow.steps[name]

    def _path_name(self, name: str) -> str:
        return name if self.flow.name == self.entry_flow else f"{self.flow.name}/{name}"


def start_session(catalog: Catalog, flow_name: str, call: dict, wiring: Wiring) -> Turn:
    """Greet a new call with `flow_name`; `call` (caller number, customer id...) becomes the `call` variable."""
    flow = catalog[flow_name]
    turn = Turn(catalog, flow, {"vars": {"call": call}}, wiring, entry_flow=flow_name)
    turn.run(flow.start)
    return turn


def continue_session(catalog: Catalog, state: dict, reply: Reply, wiring: Wiring, entry_flow: str) -> Turn:
    """Take the caller's answer to the step stored in `state`.

    An answer to another step than the one waiting (a retried or stale webhook) is not applied: the
    waiting step is asked again. A session that already ended repeats its last step (the TwiML was lost).
    """
    flow = catalog.get(state.get("flow"))
    if flow is None or state.get("step") not in flow.steps:
        return start_session(catalog, entry_flow, state.get("vars", {}).get("call", {}), wiring)
    turn = Turn(catalog, flow, state, wiring, entry_flow=entry_flow)
    step = flow.steps[state["step"]]
    if turn.ended or not step.kind.waits_for_caller:
        turn.run(step.name)
    elif reply.step != step.name:
        turn.run(step.name, again=True)
        turn.note(stale_answer_for=reply.step)
    else:
        turn.answer(step, reply)
    return turn
