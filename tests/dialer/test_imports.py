"""Call-list import: encodings, delimiters, mapping, normalization, dedupe, customer links, rejected rows,
progress, and malformed files that import nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from crm_core.models import CallList, Campaign, ImportRejection, Lead
from dialer.errors import ImportFailed
from dialer.imports import import_call_list, rejections_csv

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def run_import(db_session, make_campaign):
    """Import bytes into a fresh RU campaign; returns the CallList."""

    def run(data: bytes, **options):
        campaign = options.pop("campaign", None) or make_campaign("RU")
        return import_call_list(db_session, io.BytesIO(data), campaign=campaign, name="test list",
                                default_region="RU", now=NOW, file_name="list.csv", **options)

    return run


def leads_of(db_session, call_list) -> list[Lead]:
    return list(db_session.scalars(sa.select(Lead).where(Lead.list_id == call_list.id).order_by(Lead.row_number)))


def test_windows_1251_semicolon_file_is_normalized_classified_and_keeps_extra_fields(db_session, run_import):
    data = ("Телефон;ФИО;Город;Согласие\n"
            "8 (912) 345-67-89;Иван Петров;Москва;да\n"
            "+1 212 555 0143;John Smith;New York;\n"
            "8 495 123-45-67;ООО Ромашка;;нет\n").encode("cp1251")
    call_list = run_import(data)
    assert (call_list.rows_total, call_list.leads_count, call_list.rejected_count) == (3, 3, 0)
    assert call_list.settings["encoding"] == "cp1251" and call_list.settings["delimiter"] == ";"
    mobile, us, moscow = leads_of(db_session, call_list)
    assert (mobile.e164, mobile.kind, mobile.region, mobile.name) == ("+79123456789", "mobile", "RU", "Иван Петров")
    assert "Europe/Moscow" in mobile.time_zones and "Asia/Kamchatka" in mobile.time_zones
    assert mobile.extra == {"Город": "Москва"} and mobile.consent_at == NOW
    assert (us.e164, us.kind, us.time_zones, us.consent_at) == ("+12125550143", "fixed_or_mobile",
                                                                ["America/New_York"], None)
    assert (moscow.kind, moscow.time_zones, moscow.extra, moscow.row_number) == ("fixed", ["Europe/Moscow"], None, 4)


def test_utf8_comma_file_with_bom_and_explicit_mapping(db_session, run_import):
    data = "\ufeffMobile number,Client,Notes\n\"+7 912 345 67 89\",\"Петров, Иван\",\"VIP\"\n".encode("utf-8")
    call_list = run_import(data, mapping={"phone": "mobile number", "name": "Client"})
    (lead,) = leads_of(db_session, call_list)
    assert (lead.e164, lead.name, lead.extra) == ("+79123456789", "Петров, Иван", {"Notes": "VIP"})
    assert call_list.settings["encoding"] == "utf-8" and call_list.settings["phone"] == "Mobile number"


def test_duplicates_and_invalid_rows_are_rejected_with_row_and_reason(db_session, run_import):
    data = ("phone,name\n"
            "+79123456789,first\n"
            "8 912 345 67 89,same number written differently\n"
            "12345,too short\n"
            ",no number\n"
            "+79031234567,extra,column\n"
            "+79031234567,second\n").encode()
    call_list = run_import(data)
    assert (call_list.rows_total, call_list.leads_count, call_list.rejected_count, call_list.duplicates_count) == (
        6, 2, 4, 1)
    report = list(csv.reader(io.StringIO("".join(rejections_csv(db_session, call_list.id)))))
    assert report[0] == ["row", "value", "reason"]
    assert report[1] == ["3", "+79123456789", "duplicate of row 2"]
    assert report[2][:2] == ["4", "12345"] and "not a valid phone number" in report[2][2]
    assert report[3] == ["5", "", "no phone number"]
    assert report[4] == ["6", "+79031234567 | extra | column", "expected 2 columns, found 3"]


def test_leads_are_linked_to_known_customers(db_session, run_import, make_customer):
    customer = make_customer(phones=("+79123456789",))
    call_list = run_import(b"phone\n89123456789\n+79031234567\n")
    linked, unknown = leads_of(db_session, call_list)
    assert (linked.customer_id, unknown.customer_id, call_list.linked_count) == (customer.id, None, 1)


def test_progress_reports_bytes_read_of_the_total(run_import):
    data = b"phone\n" + b"".join(b"+7912%07d\n" % i for i in range(100_000))  # 1.3 MB: three blocks
    seen = []
    run_import(data, progress=lambda at: seen.append((at.bytes_read, at.total_bytes)))
    assert len(seen) == 3 and all(total == len(data) for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen) and seen[-1][0] == len(data)


def test_worker_processes_give_the_same_list_as_one_process(db_session, run_import, make_campaign):
    data = b"phone;name\n" + b"".join(b"+7912%07d;n%d\n" % (i % 60000, i) for i in range(70000)) + b"junk;x\n"
    inline, pooled = run_import(data, workers=0), run_import(data, workers=2)
    assert (pooled.leads_count, pooled.duplicates_count, pooled.rejected_count) == (60000, 10000, 10001)

    def rows(call_list):
        return [(lead.row_number, lead.e164, lead.kind, tuple(lead.time_zones), lead.name)
                for lead in leads_of(db_session, call_list)]

    assert rows(inline) == rows(pooled)


@pytest.mark.parametrize("data, options, message", [
    (b"", {}, "the file is empty"),
    (b"   \n\n", {}, "the file is empty"),
    (b"phone\n", {}, "no rows below its header"),
    (b"phone\n\n\n", {}, "no rows below its header"),
    (b"name;city\nIvan;Moscow\n", {}, "no phone column"),
    (b"phone\n+79123456789\n", {"mapping": {"phone": "Telefon"}}, "no column 'Telefon'"),
    (b"phone\n+79123456789\n", {"mapping": {"email": "phone"}}, "cannot map 'email'"),
    ("phone;name\n+79123456789;Иван\n".encode("cp1251"), {"encoding": "utf-8"}, "line 2 is not valid utf-8"),
    (b"phone\n+79123456789\n", {"encoding": "latin-9"}, "the encoding must be"),
    (b"phone,phone\n1,2\n", {}, "names a column twice"),
])
def test_unreadable_files_give_a_clear_error(run_import, data, options, message):
    with pytest.raises(ImportFailed, match=message):
        run_import(data, **options)


def test_a_file_that_fails_half_way_imports_nothing(db_session, run_import, make_campaign):
    campaign = make_campaign("RU")
    good_rows = b"".join(b"+7912%07d\n" % i for i in range(50000))  # 650 kB: a first block is written
    cases = [
        b"phone\n" + good_rows + b"+79" + b"1" * (1024 * 1024) + b"\n",  # a 1 MB line after 50,000 good rows
        b"phone\n" + good_rows + "+79123456789 Иван\n".encode("cp1251"),  # cp1251 bytes inside a UTF-8 file
        b"phone\n" + good_rows + b"+7912\x00\n",  # a NUL byte
    ]
    for data in cases:
        savepoint = db_session.begin_nested()
        with pytest.raises(ImportFailed) as failed:
            import_call_list(db_session, io.BytesIO(data), campaign=campaign, name="broken", default_region="RU",
                             now=NOW, workers=0)
        savepoint.rollback()
        assert "line 50002 " in str(failed.value)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CallList)) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ImportRejection)) == 0


def test_time_zones_are_stored_as_a_json_list(db_session, run_import):
    call_list = run_import(b"phone\n+74232123456\n")
    raw = db_session.execute(sa.text("select time_zones from leads where list_id = :id"), {"id": call_list.id})
    value = raw.scalar()
    assert (json.loads(value) if isinstance(value, str) else value) == ["Asia/Vladivostok"]


def test_blocks_end_on_record_boundaries_even_inside_quoted_multiline_fields():
    from dialer.csv_source import open_csv

    text = ('phone,name,note\n+79123456789,"Петров, ""Иван""","line one\nline two"\n'
            '+79031234567,Анна,"a\n\nb"\n+79161234567,Олег,plain\n')
    whole = list(csv.reader(io.StringIO(text.split("\n", 1)[1], newline="")))
    for size in (1, 5, 17, 64):
        source = open_csv(io.BytesIO(text.encode()), encoding="utf-8")
        blocks = list(source.blocks(size))
        assert b"".join(block for _, block in blocks) == text.split("\n", 1)[1].encode()
        parsed = [row for _, block in blocks for row in csv.reader(io.StringIO(block.decode(), newline=""))]
        assert parsed == whole
        assert [line for line, _ in blocks][0] == 2


def test_a_lead_stays_in_its_lists_campaign(db_session, make_campaign, make_lead):
    lead = make_lead(make_campaign(), "+79123456789")
    with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
        db_session.execute(sa.update(Lead).where(Lead.id == lead.id).values(campaign_id=make_campaign().id))


def test_deleting_a_campaign_deletes_its_lists_and_their_leads(db_session, make_campaign, make_lead):
    campaign, kept = make_campaign(), make_campaign()
    make_lead(campaign, "+79123456789")
    make_lead(kept, "+79123456789")
    db_session.execute(sa.delete(Campaign).where(Campaign.id == campaign.id))
    assert db_session.scalars(sa.select(Lead.campaign_id)).all() == [kept.id]
    assert db_session.scalars(sa.select(CallList.campaign_id)).all() == [kept.id]
