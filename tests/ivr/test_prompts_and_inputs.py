"""Prompt templates and caller input: sentences without a value are left out, data stays data, and what a
caller presses or says is turned into digits or menu words, or refused."""

import pytest

from ivr_flows.inputs import Reply, number_from, pressed_keys, spoken_words
from ivr_flows.prompts import assign, lookup, render_prompt, render_value, template_problems

VARIABLES = {"order": {"number": "10045", "carrier": None, "total": {"minor": 100, "currency": "RUB"}},
             "caller": {"customer_id": 7}}


def test_a_sentence_whose_placeholder_has_no_value_is_left_out():
    prompt = ["Заказ {order.number:digits}.", "Служба доставки — {order.carrier}.", "Сумма — {order.total:amount}."]
    assert render_prompt(prompt, VARIABLES, "ru") == "Заказ 1, 0, 0, 4, 5. Сумма — 1 рубль."


def test_a_lone_placeholder_keeps_the_value_itself():
    assert render_value("{caller.customer_id}", VARIABLES) == 7
    assert render_value("{order.missing}", VARIABLES) is None
    assert render_value("order {order.number} of {caller.customer_id}", VARIABLES) == "order 10045 of 7"


def test_dotted_paths_are_read_and_written():
    variables = {}
    assign(variables, "order.verified", True)
    assert lookup(variables, "order.verified") is True
    assign(variables, "order.verified", None)
    assert variables == {"order": {}}
    assert lookup({"order": "text"}, "order.number") is None


def test_template_problems_name_unknown_kinds_and_stray_braces():
    assert template_problems("{order.number:digits} {order.when:date}") == []
    assert "unknown placeholder kind 'money'" in template_problems("{order.total:money}")[0]
    assert "malformed placeholder" in template_problems("{order number}")[0]


@pytest.mark.parametrize("reply, language, number", [
    (Reply(digits="10045"), "ru", "10045"),
    (Reply(speech="один ноль ноль четыре пять"), "ru", "10045"),
    (Reply(speech="Один, ноль, ноль. Четыре-пять"), "ru", "10045"),
    (Reply(speech="one oh oh four five"), "en", "10045"),
    (Reply(speech="100 45"), "en", "10045"),
    (Reply(digits="12a45"), "ru", None),
    (Reply(digits="100#"), "ru", None),
    (Reply(digits="1" * 200), "ru", None),
    (Reply(speech="десять тысяч сорок пять"), "ru", None),
    (Reply(speech="'; DROP TABLE orders; --"), "en", None),
    (Reply(speech="1" * 201), "en", None),
    (Reply(speech="١٢٣"), "en", None),  # digits, but not ours
    (Reply(), "ru", None),
])
def test_numbers_are_keyed_or_said_digit_by_digit_and_anything_else_is_refused(reply, language, number):
    assert number_from(reply, language) == number


def test_only_keypad_keys_are_pressed_keys():
    assert pressed_keys(Reply(digits="*")) == "*"
    assert pressed_keys(Reply(digits="<Hangup/>")) is None


def test_spoken_words_are_lower_cased_with_yo_as_ye():
    assert spoken_words(Reply(speech="Ещё раз, ПОЖАЛУЙСТА!")) == ["еще", "раз", "пожалуйста"]
    assert spoken_words(Reply(speech="x" * 500)) == []


def test_the_log_keeps_inputs_short_and_secrets_masked():
    assert Reply(digits="630099").logged(secret=True) == "***"
    assert Reply(speech="a" * 100).logged() == "a" * 40
    assert Reply().logged() == ""
