"""`ivr lint`: what makes a flow wrong before any caller meets it: steps pointing nowhere, steps no call
reaches, calls ending without a hang-up, prompts missing a language, loops with no way out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import FlowError, Problem
from .flow import Flow, Step, read_flow
from .prompts import template_problems

Catalog = Mapping[str, Flow]


def read_flows(directory: Path) -> tuple[dict[str, Flow], list[Problem]]:
    """Every *.toml flow of a directory that parses, and the problems of those that do not."""
    flows, problems = {}, []
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            flows[path.stem] = read_flow(path)
        except FlowError as exc:
            problems += exc.problems
    return flows, problems


def lint_directory(directory: Path, services: Iterable[str] | None = None) -> list[Problem]:
    """Every problem of every flow in a directory (empty when all flows are fit to run)."""
    flows, problems = read_flows(directory)
    return problems + lint_catalog(flows, services)


def lint_catalog(catalog: Catalog, services: Iterable[str] | None = None) -> list[Problem]:
    """Every problem of loaded flows; `services`, when given, are the names the application provides."""
    known_services = None if services is None else set(services)
    entered = _entered_from_other_flows(catalog)
    problems = []
    for flow in catalog.values():
        problems += _targets(flow, catalog)
        problems += _languages(flow)
        problems += _templates(flow)
        problems += _unreachable(flow, entered.get(flow.name, set()))
        problems += _dead_ends(flow)
        problems += _loops(flow)
        if known_services is not None:
            problems += _services(flow, known_services)
    return problems


def exits(flow: Flow, step: Step) -> dict[str, str]:
    """A step's explicit exits plus, for a step that waits for the caller, where failed tries lead."""
    found = dict(step.kind.exits(step))
    if step.kind.waits_for_caller:
        found["after failed tries"] = step.spec.get("on_failure", flow.on_failure)
    return found


def _targets(flow: Flow, catalog: Catalog) -> list[Problem]:
    problems = [Problem(flow.source, None, f"{key} {getattr(flow, key)!r} is not a step of this flow")
                for key in ("start", "on_failure") if getattr(flow, key) not in flow.steps]
    for step in flow.steps.values():
        for label, target in exits(flow, step).items():
            if target not in flow.steps:
                problems.append(Problem(flow.source, step.name, f"{label}: unknown step {target!r}"))
        if step.kind.leaves_flow:
            other = catalog.get(step.spec["flow"])
            if other is None:
                problems.append(Problem(flow.source, step.name, f"unknown flow {step.spec['flow']!r}"))
            elif step.spec.get("step", other.start) not in other.steps:
                problems.append(Problem(flow.source, step.name,
                                        f"flow {other.name!r} has no step {step.spec['step']!r}"))
    return problems


def _languages(flow: Flow) -> list[Problem]:
    expected = set(flow.languages)
    problems = [Problem(flow.source, None, f"retry_hint: {m}") for m in _language_gaps(flow.retry_hint, expected)]
    problems += [Problem(flow.source, None, f"voices: {lang!r} is not a language of this flow")
                 for lang in flow.voices if lang not in expected]
    for step in flow.steps.values():
        for name, prompt in step.kind.prompts(step).items():
            problems += [Problem(flow.source, step.name, f"{name}: {m}") for m in _language_gaps(prompt, expected)]
        words = step.spec.get("words")
        if words:
            problems += [Problem(flow.source, step.name, f"words: {m}") for m in _language_gaps(words, expected)]
            for language, table in words.items():
                problems += [Problem(flow.source, step.name, f"words: {language}: key {key!r} is not a choice")
                             for key in table if key not in step.spec["choices"]]
    return problems


def _language_gaps(table: Mapping, expected: set[str]) -> list[str]:
    return ([f"missing the {lang!r} translation" for lang in sorted(expected - set(table))]
            + [f"{lang!r} is not a language of this flow" for lang in sorted(set(table) - expected)])


def _templates(flow: Flow) -> list[Problem]:
    problems = []
    for step in flow.steps.values():
        for template in step.kind.templates(step):
            problems += [Problem(flow.source, step.name, m) for m in template_problems(template)]
        if step.spec.get("min_digits", 0) > step.spec.get("max_digits", float("inf")):
            problems.append(Problem(flow.source, step.name, "min_digits is greater than max_digits"))
    return problems


def _reachable(flow: Flow, roots: Iterable[str], *, with_failures: bool = True) -> set[str]:
    seen, pending = set(), [r for r in roots if r in flow.steps]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        step = flow.steps[name]
        targets = exits(flow, step) if with_failures else step.kind.exits(step)
        pending += [t for t in targets.values() if t in flow.steps]
    return seen


def _entered_from_other_flows(catalog: Catalog) -> dict[str, set[str]]:
    entered: dict[str, set[str]] = {}
    for flow in catalog.values():
        for step in flow.steps.values():
            if step.kind.leaves_flow and step.spec["flow"] in catalog:
                other = catalog[step.spec["flow"]]
                entered.setdefault(other.name, set()).add(step.spec.get("step", other.start))
    return entered


def _unreachable(flow: Flow, entries: set[str]) -> list[Problem]:
    reached = _reachable(flow, {flow.start, flow.on_failure} | entries)
    return [Problem(flow.source, name, "unreachable: no path from the start leads here")
            for name in flow.steps if name not in reached]


def _dead_ends(flow: Flow) -> list[Problem]:
    return [Problem(flow.source, step.name, "dead end: the call stops here without a hang-up or an agent")
            for step in flow.steps.values()
            if not (exits(flow, step) or step.kind.ends_session or step.kind.leaves_flow)]


def _loops(flow: Flow) -> list[Problem]:
    """Loops (over explicit exits) that nothing leaves, and loops that never wait for the caller."""
    reach = {name: _reachable(flow, step.kind.exits(step).values(), with_failures=False)
             for name, step in flow.steps.items()}
    problems, reported = [], set()
    for name in flow.steps:
        if name in reported or name not in reach[name]:
            continue
        loop = sorted(other for other in reach[name] if name in reach[other])
        reported.update(loop)
        steps = [flow.steps[n] for n in loop]
        leaves = any(set(s.kind.exits(s).values()) - set(loop) or s.kind.ends_session or s.kind.leaves_flow
                     for s in steps)
        if not leaves:
            problems.append(Problem(flow.source, loop[0], f"loop without exit: {' -> '.join(loop)}"))
        elif not any(s.kind.waits_for_caller for s in steps):
            problems.append(Problem(flow.source, loop[0], f"loop that never waits for the caller: {' -> '.join(loop)}"))
    return problems


def _services(flow: Flow, known: set[str]) -> list[Problem]:
    return [Problem(flow.source, step.name, f"unknown service {service!r} (the application provides: "
                    f"{', '.join(sorted(known))})")
            for step in flow.steps.values() for service in step.kind.services(step) if service not in known]
