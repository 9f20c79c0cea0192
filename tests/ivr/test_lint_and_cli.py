"""`callcenter ivr lint` and `graph`: broken flows fail with messages naming the file and step; the shipped
flows pass; a flow is drawn as DOT (and SVG when Graphviz is installed)."""

import shutil

import pytest
from click.testing import CliRunner

from callcenter.ivr_cli import ivr_command
from callcenter.voice.ivr import SERVICES
from ivr_flows import SHIPPED_FLOWS, FlowError, lint_directory, load_catalog

from .toy_flows import write_flow

GOOD = """
[steps.first]
type = "menu"
prompt.ru = "Нажмите 1."
prompt.en = "Press 1."
choices = { "1" = "bye" }
[steps.bye]
type = "hangup"
"""


def messages(directory, services=None) -> list[str]:
    return [str(p) for p in lint_directory(directory, services)]


def lint(*args):
    return CliRunner().invoke(ivr_command, ["lint", *args])


def test_the_shipped_flows_pass_lint():
    assert messages(SHIPPED_FLOWS, SERVICES) == []
    result = lint()
    assert result.exit_code == 0 and "OK" in result.output


def test_a_good_toy_flow_passes(tmp_path):
    write_flow(tmp_path, "toy", GOOD)
    assert messages(tmp_path) == []


def test_a_dangling_transition_names_the_file_and_step(tmp_path):
    path = write_flow(tmp_path, "toy", GOOD.replace('"1" = "bye"', '"1" = "bye", "2" = "nowhere"'))
    assert messages(tmp_path) == [f"{path}: step 'first': key 2: unknown step 'nowhere'"]


def test_an_unreachable_step_is_reported(tmp_path):
    path = write_flow(tmp_path, "toy", GOOD + '[steps.orphan]\ntype = "hangup"\n')
    assert messages(tmp_path) == [f"{path}: step 'orphan': unreachable: no path from the start leads here"]


def test_a_missing_translation_is_reported(tmp_path):
    path = write_flow(tmp_path, "toy", GOOD.replace('prompt.en = "Press 1."\n', ""))
    assert messages(tmp_path) == [f"{path}: step 'first': prompt: missing the 'en' translation"]


def test_a_dead_end_without_a_hang_up_is_reported(tmp_path):
    path = write_flow(tmp_path, "toy", GOOD.replace('"1" = "bye"', '"1" = "thanks"')
                      + '[steps.thanks]\ntype = "say"\nprompt.ru = "Спасибо."\nprompt.en = "Thanks."\n')
    assert f"{path}: step 'thanks': dead end: the call stops here without a hang-up or an agent" in messages(tmp_path)


def test_a_loop_without_exit_is_reported(tmp_path):
    path = write_flow(tmp_path, "toy", GOOD.replace('"1" = "bye"', '"1" = "ping"') + """
[steps.ping]
type = "say"
prompt.ru = "Пинг."
prompt.en = "Ping."
next = "pong"
[steps.pong]
type = "menu"
prompt.ru = "Понг."
prompt.en = "Pong."
choices = { "1" = "ping" }
""")
    assert f"{path}: step 'ping': loop without exit: ping -> pong" in messages(tmp_path)


def test_a_loop_that_never_waits_for_the_caller_is_reported(tmp_path):
    path = write_flow(tmp_path, "toy", """
[steps.first]
type = "set"
values = { x = "1" }
next = "again"
[steps.again]
type = "condition"
if = "x"
then = "first"
else = "agent"
""")
    assert messages(tmp_path) == [f"{path}: step 'again': loop that never waits for the caller: again -> first"]


def test_unknown_services_flows_kinds_and_choices_are_reported(tmp_path):
    path = write_flow(tmp_path, "toy", """
[steps.first]
type = "lookup"
service = "crystal_ball"
found = "jump"
not_found = "menu"
[steps.jump]
type = "goto_flow"
flow = "missing"
[steps.menu]
type = "collect"
prompt.ru = "Дата {order.when:weekday}."
prompt.en = "Date {order.when:date}."
min_digits = 6
max_digits = 4
save_as = "x"
next = "agent"
""")
    found = messages(tmp_path, SERVICES)
    assert f"{path}: step 'jump': unknown flow 'missing'" in found
    assert any(m.startswith(f"{path}: step 'first': unknown service 'crystal_ball'") for m in found)
    assert any(m.startswith(f"{path}: step 'menu': unknown placeholder kind 'weekday'") for m in found)
    assert f"{path}: step 'menu': min_digits is greater than max_digits" in found


@pytest.mark.parametrize("text, message", [
    ("start = [", "not valid TOML"),
    ('[steps.first]\ntype = "teleport"\n', "step 'first': unknown step type 'teleport'"),
    ('[steps.first]\ntype = "hangup"\npromt.ru = "x"\n', "step 'first': unknown key 'promt'"),
    ('[steps.first]\ntype = "lookup"\nfound = "agent"\nnot_found = "agent"\n', "step 'first': missing key 'service'"),
    ('[steps.first]\ntype = "menu"\nprompt = "x"\nchoices = { "1" = "agent" }\n',
     "step 'first': prompt: expected a table of language = text"),
    ('[steps.first]\ntype = "menu"\nprompt.ru = "x"\nprompt.en = "x"\nchoices = { "12" = "agent" }\n',
     "step 'first': choices: expected a table of keypad key"),
])
def test_a_malformed_flow_is_refused_when_loaded_naming_file_and_step(tmp_path, text, message):
    path = write_flow(tmp_path, "toy", text)
    with pytest.raises(FlowError) as error:
        load_catalog(tmp_path)
    assert any(str(p).startswith(f"{path}: ") and message in str(p) for p in error.value.problems), error.value


def test_lint_command_exits_non_zero_with_one_line_per_problem(tmp_path):
    path = write_flow(tmp_path, "toy", GOOD.replace('"1" = "bye"', '"1" = "nowhere"'))
    result = lint("--flows", str(tmp_path))
    assert result.exit_code == 1
    assert f"{path}: step 'first': key 1: unknown step 'nowhere'" in result.output
    assert f"{path}: step 'bye': unreachable" in result.output


def test_graph_prints_dot():
    result = CliRunner().invoke(ivr_command, ["graph", "order_tracking"])
    assert result.exit_code == 0
    assert result.output.startswith('digraph "order_tracking" {')
    assert '"main_menu" -> "track" [label="key 1"];' in result.output
    assert '"main_menu" -> "agent" [label="after failed tries", style=dashed];' in result.output


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graph_renders_svg_with_graphviz(tmp_path):
    output = tmp_path / "flow.svg"
    result = CliRunner().invoke(ivr_command, ["graph", "order_tracking", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "<svg" in output.read_text()


def test_graph_without_graphviz_prints_dot_and_says_why_it_did_not_render(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(ivr_command, ["graph", "order_tracking", "-o", str(tmp_path / "flow.png")])
    assert result.exit_code == 1
    assert result.output.startswith("digraph") and "Graphviz is not installed" in result.output


def test_graph_of_an_unknown_flow_is_an_error():
    result = CliRunner().invoke(ivr_command, ["graph", "nope"])
    assert result.exit_code == 1 and "no flow 'nope'" in result.output
