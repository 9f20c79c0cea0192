"""`callcenter ivr`: check every flow (`lint`, for CI) and draw one for supervisors (`graph`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from ivr_flows import SHIPPED_FLOWS, FlowError, lint_directory, read_flow
from ivr_flows.graph import flow_to_dot

RENDERED_FORMATS = ("svg", "png")


@click.group("ivr")
def ivr_command() -> None:
    """IVR flows: lint them, draw them."""


@ivr_command.command("lint")
@click.option("--flows", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=SHIPPED_FLOWS, show_default=True, help="The directory of flow files.")
def lint_command(directory: Path) -> None:
    """Check every flow; exit 1 with one line per problem (file and step) if any."""
    from .voice.ivr import SERVICES

    problems = lint_directory(directory, SERVICES)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    count = len(list(directory.glob("*.toml")))
    click.echo(f"{count} flow{'' if count == 1 else 's'} OK")


@ivr_command.command("graph")
@click.argument("flow")
@click.option("--flows", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=SHIPPED_FLOWS, show_default=True, help="The directory of flow files.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Also render to this .svg or .png file (needs Graphviz's `dot`).")
def graph_command(flow: str, directory: Path, output: Path | None) -> None:
    """Print FLOW as Graphviz DOT; with --output, render it as SVG or PNG too."""
    path = directory / f"{flow}.toml"
    if not path.exists():
        raise click.ClickException(f"no flow {flow!r} in {directory}")
    try:
        dot = flow_to_dot(read_flow(path))
    except FlowError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(dot, nl=False)
    if output is None:
        return
    fmt = output.suffix.lstrip(".").lower()
    if fmt not in RENDERED_FORMATS:
        raise click.ClickException(f"--output must end in .svg or .png, not {output.name!r}")
    binary = shutil.which("dot")
    if binary is None:
        raise click.ClickException("Graphviz is not installed (no `dot` on PATH): only the DOT above was printed")
    subprocess.run([binary, f"-T{fmt}", "-o", str(output)], input=dot, text=True, check=True)
    click.echo(f"rendered {output}", err=True)
