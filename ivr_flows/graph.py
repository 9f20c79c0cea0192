"""A flow drawn for supervisors: Graphviz DOT with one node per step and one arrow per way out."""

from __future__ import annotations

import json

from .flow import Flow, Step
from .lint import exits

SHAPES = {"menu": "box", "collect": "box", "record": "box", "condition": "diamond", "lookup": "hexagon",
          "enqueue": "house", "callback": "house", "hangup": "doublecircle", "goto_flow": "cds"}
FAILED_TRIES = "after failed tries"


def flow_to_dot(flow: Flow) -> str:
    """The flow as a DOT digraph: steps labelled with their type, arrows with keys or branches, failed
    tries dashed; the first language's prompt as each step's tooltip."""
    lines = [f"digraph {_quote(flow.name)} {{", "  rankdir=LR;", '  node [fontname="Helvetica"];',
             f"  label={_quote(f'{flow.name} (version {flow.version})')};",
             '  start [shape=point, label=""];', f"  start -> {_quote(flow.start)};"]
    for step in flow.steps.values():
        lines.append(f"  {_quote(step.name)} [{_node_attributes(flow, step)}];")
        for label, target in exits(flow, step).items():
            style = ", style=dashed" if label == FAILED_TRIES else ""
            lines.append(f"  {_quote(step.name)} -> {_quote(target)} [label={_quote(label)}{style}];")
        if step.kind.leaves_flow:
            other = f"flow {step.spec['flow']}"
            lines.append(f"  {_quote(other)} [shape=folder];")
            lines.append(f"  {_quote(step.name)} -> {_quote(other)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_attributes(flow: Flow, step: Step) -> str:
    attributes = {"label": f"{step.name}\n({step.type})", "shape": SHAPES.get(step.type, "ellipse")}
    prompt = step.spec.get("prompt", {}).get(flow.languages[0])
    if prompt:
        attributes["tooltip"] = prompt if isinstance(prompt, str) else " ".join(prompt)
    return ", ".join(f"{key}={_quote(value)}" for key, value in attributes.items())


def _quote(text: str) -> str:
    """A DOT string literal (JSON escaping is a valid subset of DOT's)."""
    return json.dumps(text, ensure_ascii=False)
