"""A supervisor uploads a call list in a real browser and watches its import progress live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = pytest.mark.slow

ROWS = 5000
BAD_EVERY = 250  # rows 0, 250, 500... hold no number
PROGRESS_TEXT = re.compile(r"^([\d,]+) rows, (\d+) %$")


@pytest.fixture
def call_list_file(tmp_path):
    """A cp1251 call list of ROWS rows whose phone column has a name the import does not guess, with a long
    comment per row (about 1.4 MB, so the server reads it in several blocks), some rows without a number and
    one duplicate."""
    lines = ["Контакт;Клиент;Комментарий"]
    for n in range(ROWS):
        phone = "нет номера" if n % BAD_EVERY == 0 else f"8 912 {n:07d}"
        lines.append(f"{phone};Клиент {n};{'перезвонить вечером, ' * 12}")
    lines.append("8 912 0000001;Клиент повторно;")
    path = tmp_path / "база.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1251"))
    return path


def record_progress_texts(page) -> list[str]:
    """Every text the upload's progress line shows, recorded as it changes (it lasts a fraction of a second)."""
    texts: list[str] = []
    page.expose_function("recordProgress", lambda text: texts.append(text))
    page.evaluate("""() => {
        const status = document.querySelector('[data-testid="upload-status"]');
        new MutationObserver(() => window.recordProgress(status.textContent))
            .observe(status, {childList: true, characterData: true, subtree: true});
    }""")
    return texts


def test_supervisor_uploads_a_list_watches_its_progress_and_reads_the_report(
        live_platform, supervisor, call_list_file, open_page, log_in, artifacts):
    page = log_in(open_page(live_platform.url + "/login"), "svetlana", PASSWORD)
    expect(page).to_have_url(re.compile(r"/floor$"))
    page.get_by_test_id("supervisor-nav").get_by_role("link", name="Call lists").click()
    expect(page).to_have_url(re.compile(r"/supervisor/lists$"))

    campaign_form = page.get_by_test_id("campaign-form")
    campaign_form.get_by_label("Name").fill("Осенняя распродажа")
    campaign_form.get_by_label("Compliance profile").select_option("RU")
    campaign_form.get_by_label("Caller ID").fill("+74950000000")
    campaign_form.get_by_role("button", name="Create").click()

    form = page.get_by_test_id("upload-form")
    expect(form).to_have_attribute("data-enhanced", "true")  # the page's script is ready
    form.get_by_label("Campaign").select_option(label="Осенняя распродажа (RU, service)")
    # Without a mapping the import finds no phone column: the reason shows in place and nothing is imported.
    form.get_by_label("File", exact=True).set_input_files(call_list_file)
    form.get_by_role("button", name="Import").click()
    expect(page.get_by_test_id("upload-error")).to_have_text(re.compile("no phone column: map one"))
    expect(page.get_by_test_id("upload-progress")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/supervisor/lists$"))
    expect(page.get_by_test_id("lists")).to_contain_text("No list yet.")

    expect(page.get_by_test_id("column-hint")).to_have_text("Columns in база.csv: Контакт, Клиент, Комментарий")
    form.get_by_label("Phone column").fill("Контакт")
    form.get_by_label("Name column").fill("Клиент")
    texts = record_progress_texts(page)
    form.get_by_role("button", name="Import").click()

    expect(page).to_have_url(re.compile(r"/supervisor/lists/\d+$"))
    shown = [PROGRESS_TEXT.match(text) for text in texts]
    percents = [int(match.group(2)) for match in shown if match]
    assert any(0 < percent < 100 for percent in percents), texts
    assert percents == sorted(percents), texts
    rejected = ROWS // BAD_EVERY + 1  # the rows without a number and the duplicate
    expect(page.get_by_test_id("leads")).to_have_text(str(ROWS + 1 - rejected))
    expect(page.get_by_test_id("rejected")).to_have_text(str(rejected))
    expect(page.get_by_test_id("rejected-rows")).to_contain_text("нет номера")
    expect(page.get_by_test_id("rejected-rows")).to_contain_text("duplicate of row 3")
    page.screenshot(path=artifacts / "list-upload-report.png", full_page=True)

    download = page.get_by_test_id("download")
    expect(download).to_have_text(f"Download all {rejected} as CSV")
    expect(download).to_have_attribute("href", re.compile(r"^/api/lists/\d+/rejected\.csv$"))
