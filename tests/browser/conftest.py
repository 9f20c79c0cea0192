"""Browser fixtures: Playwright drives Debian's chromium (it never downloads a browser of its own)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import agent_console
from crm_core.users import create_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SOCKET_IO_CLIENT = Path(agent_console.__file__).parent / "static" / "vendor" / "socket.io.esm.min.js"
# Chromium logs every 4xx answer; the pages show the API's refusals (a wrong number, say) to the agent.
HANDLED_HTTP_ERROR = "Failed to load resource: the server responded with a status of 4"
PASSWORD = "correct horse battery"  # of the users the browser tests create
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _missing(what: str, how: str) -> None:
    """Skip on a developer's machine without the browser setup; in CI, where .ci/run installs it, fail."""
    message = f"{what} is missing: run {how}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """Headless chromium for the whole run."""
    if not CHROMIUM.exists():
        _missing(str(CHROMIUM), "scripts/install-browser")
    if not SOCKET_IO_CLIENT.exists():
        _missing("the console's socket.io-client", "scripts/install-frontend")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # a busy CI machine routes a call in more than the default 5 s
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    """The folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_page(browser, artifacts, request):
    """Open pages in fresh browser contexts (own cookies); a script error or a missing asset fails the test."""
    contexts, errors = [], []

    def open_(url: str):
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB",
                                      timezone_id="Europe/Moscow")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: errors.append(f"{page.url}: console {message.text}")
                if message.type == "error" and not message.text.startswith(HANDLED_HTTP_ERROR) else None)
        page.on("response", lambda response: errors.append(f"{response.url}: {response.status}")
                if response.status >= 400 and "/console/static/" in response.url else None)
        page.goto(url)
        return page

    yield open_
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for n, context in enumerate(contexts):
            for page in context.pages:
                page.screenshot(path=artifacts / f"{request.node.name}-failed-{n}.png", full_page=True)
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item (so fixtures can tell a failed test)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def log_in():
    """Log a page in through the login form; returns the page."""

    def log_in_(page, username: str, password: str):
        page.get_by_test_id("login-username").fill(username)
        page.get_by_test_id("login-password").fill(password)
        page.get_by_test_id("login-submit").click()
        return page

    return log_in_


@pytest.fixture
def supervisor(committed_session):
    """A supervisor login that really commits."""
    user = create_user(committed_session, username="svetlana", full_name="Светлана Старшая", role="supervisor",
                       password=PASSWORD)
    committed_session.commit()
    return user
