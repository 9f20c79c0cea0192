"""The dialer's commands: campaigns, list import with its report, DNC management, the gate's answer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from callcenter.cli import main
from crm_core.models import CallList, Lead


def test_import_a_cp1251_list_with_a_mapping_and_get_the_rejected_rows(runner, db_session, tmp_path):
    result = runner.invoke(main, ["campaigns", "create", "Доставка", "--profile", "RU", "--caller-id", "8 495 000-00-00"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "клиенты.csv"
    path.write_bytes("Номер клиента;ФИО\n8 912 345-67-89;Иван\nмусор;Пётр\n8 912 345 67 89;Дубль\n".encode("cp1251"))
    result = runner.invoke(main, ["lists", "import", str(path), "--campaign", "Доставка", "--map", "phone=Номер клиента"])
    assert result.exit_code == 0, result.output
    assert "3 rows, 1 leads, 2 rejected (1 duplicates)" in result.output
    report = (tmp_path / "клиенты.csv.rejected.csv").read_text(encoding="utf-8").splitlines()
    assert report[0] == "row,value,reason" and report[2] == "4,+79123456789,duplicate of row 2"
    assert db_session.scalar(sa.select(Lead.name)) == "Иван"


def test_a_malformed_file_is_refused_with_its_reason_and_nothing_is_stored(runner, db_session, tmp_path):
    runner.invoke(main, ["campaigns", "create", "Survey", "--profile", "RU", "--caller-id", "+74950000000"])
    path = tmp_path / "list.csv"
    path.write_text("name;city\nIvan;Moscow\n")
    result = runner.invoke(main, ["lists", "import", str(path), "--campaign", "Survey"])
    assert result.exit_code == 1 and "no phone column" in result.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CallList)) == 0


def test_gate_check_explains_a_refusal_and_an_allowed_dial(runner):
    runner.invoke(main, ["campaigns", "create", "Promo", "--profile", "RU", "--caller-id", "+74950000000",
                                  "--purpose", "advertising", "--mode", "preview"])
    refused = runner.invoke(main, ["gate", "check", "+7 495 123-45-67", "--campaign", "Promo",
                                       "--at", "2026-06-01T22:30+03:00"])
    assert refused.exit_code == 1
    assert "REFUSED" in refused.output and "outside_window" in refused.output and "consent_missing" in refused.output
    assert "local time Europe/Moscow: 2026-06-01T22:30:00+03:00" in refused.output
    runner.invoke(main, ["campaigns", "create", "Delivery", "--profile", "RU", "--caller-id", "+74950000000"])
    allowed = runner.invoke(main, ["gate", "check", "84951234567", "--campaign", "Delivery", "--at", "2026-06-01T09:00"])
    assert allowed.exit_code == 0 and "ALLOWED" in allowed.output and "ring at least 15 s" in allowed.output


def test_dnc_add_show_remove_and_registry_import(runner, tmp_path):
    runner.invoke(main, ["campaigns", "create", "Delivery", "--profile", "RU", "--caller-id", "+74950000000"])
    assert runner.invoke(main, ["dnc", "add", "8 495 123-45-67", "--reason", "asked twice"]).exit_code == 0
    refused = runner.invoke(main, ["gate", "check", "+74951234567", "--campaign", "Delivery", "--at", "2026-06-01T09:00"])
    assert "dnc: the number is on the global do-not-call list" in refused.output
    removed = runner.invoke(main, ["dnc", "remove", "+74951234567", "--reason", "wrote to say yes"])
    assert removed.exit_code == 0, removed.output
    shown = runner.invoke(main, ["dnc", "show", "+74951234567"])
    assert "add" in shown.output and "wrote to say yes" in shown.output
    missing = runner.invoke(main, ["dnc", "remove", "+74951234567", "--reason", "again"])
    assert missing.exit_code == 1 and "not found" in missing.output
    path = tmp_path / "dnc.txt"
    path.write_text("212,5550143\n4155550100\n")
    imported = runner.invoke(main, ["dnc", "import-registry", str(path), "--registry", "US-DNC", "--date", "2020-01-01",
                                       "--region", "US"])
    assert imported.exit_code == 0 and "US-DNC copy of 2020-01-01: 2 numbers" in imported.output


def test_profiles_are_listed(runner):
    result = runner.invoke(main, ["gate", "profiles"])
    assert [line.split()[0] for line in result.output.splitlines()] == ["DE", "FR", "RU", "UK", "US"]


def test_a_campaign_is_started_paused_and_stopped_from_the_command_line(runner, db_session):
    runner.invoke(main, ["campaigns", "create", "Winback", "--profile", "RU", "--caller-id", "+74950000000"])
    assert "running" in runner.invoke(main, ["campaigns", "set-status", "Winback", "start"]).output
    assert "paused" in runner.invoke(main, ["campaigns", "set-status", "Winback", "pause"]).output
    assert "stopped" in runner.invoke(main, ["campaigns", "set-status", "Winback", "stop"]).output
    refused = runner.invoke(main, ["campaigns", "set-status", "Winback", "start"])
    assert refused.exit_code != 0 and "cannot be started again" in refused.output


@pytest.mark.parametrize("key", ["99999999999999999999", "0", "Nonexistent"])
def test_a_campaign_nobody_has_is_reported_not_found(runner, key):
    missing = runner.invoke(main, ["campaigns", "set-status", key, "start"])
    assert missing.exit_code != 0 and "not found" in missing.output and "Traceback" not in missing.output
