"""The console upload's live progress: supervisors on the floor namespace hear how far an import has got."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from callcenter.console.supervisor import UploadProgress
from crm_core.models import CallList
from dialer.imports import ImportProgress
from tests.console.conftest import desk_client, login_as, received  # noqa: F401  (fixtures)

UPLOAD_ID = "0f3a9c2e7d5b4a1c"


def big_list(rows: int, bad_every: int) -> bytes:
    """A UTF-8 list of valid mobile numbers with a long note per row (so it spans several 512 KiB blocks),
    every `bad_every`-th number unreadable."""
    lines = ["phone,name,note"]
    for n in range(rows):
        phone = "not a number" if n % bad_every == 0 else f"+7 912 {n:07d}"
        lines.append(f"{phone},Клиент {n},{'заметка ' * 12}")
    return ("\n".join(lines) + "\n").encode()


def upload(client, campaign_id: int, data: bytes, upload_id: str | None = UPLOAD_ID, encoding: str = "auto"):
    """Post a file as the lists page's script does (asking for JSON, naming the upload)."""
    page = client.get("/supervisor/lists").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "campaign": str(campaign_id), "encoding": encoding,
            "file": FileStorage(io.BytesIO(data), "big.csv")}
    if upload_id:
        form["upload_id"] = upload_id
    # Encoded in memory: the test client would spool a body this large to a temporary file it never closes.
    boundary, body = encode_multipart(form)
    return client.post("/supervisor/lists", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       headers={"Accept": "application/json"})


def test_supervisor_on_the_floor_hears_an_upload_advance_to_its_end(desk_client, login_as, make_user,
                                                                    make_campaign):
    supervisor = make_user("supervisor")
    campaign = make_campaign("RU")
    floor = desk_client(supervisor, namespace="/floor")
    received(floor, "snapshot", "/floor")
    data = big_list(6000, bad_every=100)

    client = login_as(supervisor)
    answer = upload(client, campaign.id, data)

    report = client.get(answer.get_json()["report_url"]).get_data(as_text=True)
    assert 'data-testid="leads">5940<' in report and 'data-testid="rejected">60<' in report
    events = received(floor, "import_progress", "/floor")
    assert len(events) >= 3 and {e["upload_id"] for e in events} == {UPLOAD_ID}
    assert {e["total_bytes"] for e in events} == {len(data)}
    read = [e["bytes_read"] for e in events]
    assert read == sorted(set(read)) and 0 < read[0] < len(data) and read[-1] == len(data)
    rows = [e["rows_imported"] + e["rows_rejected"] for e in events]
    assert rows == sorted(rows) and 0 < rows[0] < 6000
    assert (events[-1]["rows_imported"], events[-1]["rows_rejected"]) == (5940, 60)


def test_a_long_import_sends_about_one_event_per_percent(desk_client, make_user):
    floor = desk_client(make_user("supervisor"), namespace="/floor")
    total = 1_000_000
    report = UploadProgress(UPLOAD_ID)
    for block in range(1, 1001):  # a file read in a thousand blocks
        report(ImportProgress(block * 1000, total, rows=block * 20, leads=block * 20, rejected=0))

    read = [e["bytes_read"] for e in received(floor, "import_progress", "/floor")]
    assert 90 <= len(read) <= 120 and read[-1] == total


def test_agents_never_hear_upload_progress(desk_client, login_as, make_user, make_campaign):
    agent, supervisor = make_user("agent"), make_user("supervisor")
    assert not desk_client(agent, namespace="/floor").is_connected("/floor")
    desk = desk_client(agent)
    received(desk, "agent_state")

    assert upload(login_as(supervisor), make_campaign("RU").id, big_list(6000, bad_every=100)).status_code == 200

    assert received(desk, "import_progress") == []


def test_an_upload_without_an_id_sends_no_progress(desk_client, login_as, make_user, make_campaign):
    supervisor = make_user("supervisor")
    floor = desk_client(supervisor, namespace="/floor")

    assert upload(login_as(supervisor), make_campaign("RU").id, big_list(6000, bad_every=100),
                  upload_id=None).status_code == 200

    assert received(floor, "import_progress", "/floor") == []


@pytest.mark.parametrize("data, encoding, message", [
    ("phone;name\n+79123456789;Иван\n".encode("cp1251"), "utf-8", "line 2 is not valid utf-8"),
    (b"name;city\nIvan;Moscow\n", "auto", "no phone column"),
    (b"phone\n+79123456789\n" + b"7" * 1024 * 1024 + b"\n", "auto", "line 3 is longer than 64 KiB"),
    (b"", "auto", "the file is empty"),
], ids=["wrong encoding", "no phone column", "1 MB line", "empty file"])
def test_the_upload_script_is_told_why_a_file_was_refused_and_nothing_is_kept(
        login_as, make_user, make_campaign, db_session, data, encoding, message):
    answer = upload(login_as(make_user("supervisor")), make_campaign("RU").id, data, encoding=encoding)

    assert answer.status_code == 400 and message in answer.get_json()["message"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CallList)) == 0
