"""The agent desk in a real browser against the live platform and the Twilio sandbox."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from crm_core import models
from crm_core.users import create_user
from tests.dialing.conftest import add_leads, make_dialing_campaign  # noqa: F401  (the dialer's fixtures)
from tests.monitoring.rooms import devices_in_room, room_of

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
CALLER = "+79161234567"
MOSCOW = ZoneInfo("Europe/Moscow")  # the browser's time zone (see conftest)
LONG_PATIENCE = 3000  # sandbox seconds a caller waits in the queue (a minute at the live platform's clock speed)


@pytest.fixture
def make_agent(committed_session):
    """Create a login that really commits; returns the User."""

    def make(username="olga", full_name="Ольга Агентова", role="agent", **fields):
        user = create_user(committed_session, username=username, full_name=full_name, role=role,
                           password=PASSWORD, **fields)
        committed_session.commit()
        return user

    return make


@pytest.fixture
def known_customer(committed_session, make_agent):
    """Мария Иванова: two orders, 22 earlier calls (one note written with HTML), an open ticket, a callback."""
    earlier_agent = make_agent("ivan", "Иван Старший")
    now = datetime.now(timezone.utc)
    customer = models.Customer(first_name="Мария", last_name="Иванова", language="ru", segment="VIP",
                               email="maria@example.ru", consent_calls=True, consent_recording=True)
    customer.phones = [models.PhoneNumber(e164=CALLER, kind="mobile", region="RU", is_primary=True)]
    committed_session.add(customer)
    committed_session.flush()
    for number, status, placed, events in (
        ("10045", "shipped", now - timedelta(days=3), [("paid", None), ("shipped", "Передан в СДЭК, Москва")]),
        ("9001", "delivered", now - timedelta(days=40), [("paid", None), ("delivered", "Вручён получателю")]),
    ):
        order = models.Order(customer_id=customer.id, number=number, status=status, placed_at=placed,
                             items=[{"sku": "K1", "name": "Чайник электрический", "qty": 1, "price_minor": 349000}],
                             total_minor=349000, carrier="СДЭК", tracking_number=f"TRK{number}",
                             promised_delivery=(placed + timedelta(days=5)).date())
        order.events = [models.OrderEvent(status=s, description=d, location="Москва",
                                          occurred_at=placed + timedelta(hours=i + 1))
                        for i, (s, d) in enumerate(events)]
        committed_session.add(order)
    for days_ago, disposition, notes in (
        (10, "order_status_given", "Клиент спрашивал о заказе 10045, сообщили срок"),
        (30, "escalated", "<b>Не</b> доставлен <script>alert(1)</script>"),
    ):
        committed_session.add(models.Interaction(
            customer_id=customer.id, direction="inbound", from_number=CALLER, status="completed",
            agent_id=earlier_agent.id, disposition=disposition, notes=notes, duration_seconds=185,
            started_at=now - timedelta(days=days_ago), call_sid=f"CA{days_ago:032d}", ivr_path=["menu:0"]))
    for n in range(20):  # older calls: the timeline's first page ends before them
        committed_session.add(models.Interaction(
            customer_id=customer.id, direction="inbound", from_number=CALLER, status="completed",
            disposition="resolved", notes=f"Старый звонок {n + 1}", started_at=now - timedelta(days=60 + n),
            call_sid=f"CAold{n:029d}"))
    committed_session.add(models.Ticket(customer_id=customer.id, subject="Возврат чайника", priority="high"))
    committed_session.add(models.Task(customer_id=customer.id, kind="callback", phone_e164=CALLER,
                                      due_at=now + timedelta(days=1), note="Перезвонить после доставки"))
    committed_session.commit()
    return customer


def go_available(page):
    """Wait for the desk's connection and become available."""
    expect(page.get_by_test_id("connection")).to_have_attribute("data-connection", "connected")
    page.get_by_test_id("go-available").click()
    expect(page.get_by_test_id("agent-state")).to_have_text("available")


# An unknown caller first chooses Russian (1), then asks for an agent (0).
UNKNOWN_CALLER_TO_AGENT = [{"press": "1"}, {"press": "0"}]


def wait_for_transcript(sandbox, call_sid: str, event: str, timeout: float = 10.0, **details) -> None:
    """Wait until the sandbox's transcript of the call shows `event` ("enqueue", "bridged"...), with `details`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(e["event"] == event and all(e.get(k) == v for k, v in details.items())
               for e in sandbox.call(call_sid)["transcript"]):
            return
        time.sleep(0.1)
    raise AssertionError(f"no {event!r} {details or ''} in the transcript of {call_sid} within {timeout}s")


def wait_until_bridged(sandbox, call_sid: str, agent_id: int | None = None, timeout: float = 10.0) -> None:
    """Wait for the caller to be talking to an agent's device (that agent's, if named): both in the call's room."""
    wait_for_transcript(sandbox, call_sid, "conference", timeout, name=room_of(call_sid))
    wanted = f"client:agent-{agent_id}" if agent_id else None
    deadline = time.monotonic() + timeout
    while not any(wanted in (None, joined) for joined in devices_in_room(sandbox, call_sid)):
        if time.monotonic() > deadline:
            raise AssertionError(f"no agent's device ({wanted or 'any'}) joined the room of {call_sid} within {timeout}s")
        time.sleep(0.1)


def test_agent_takes_a_known_callers_call_and_logs_its_outcome(
        live_platform, committed_session, known_customer, make_agent, open_page, log_in, artifacts):
    agent = make_agent(languages=["ru"])
    live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5, talk_for=None)

    page = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    expect(page).to_have_url(re.compile(r"/desk$"))
    expect(page.get_by_test_id("connection")).to_have_attribute("data-connection", "connected")

    # The customer calls, presses 0 and waits; the IVR noted the order they asked about on the call.
    call_sid = live_platform.sandbox.place_call(CALLER, live_platform.number, [{"press": "0"}],
                                                patience=LONG_PATIENCE)
    wait_for_transcript(live_platform.sandbox, call_sid, "enqueue")
    interaction = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()
    interaction.context = {**(interaction.context or {}), "order_number": "10045", "order_verified": "True"}
    committed_session.commit()
    ivr_path = " → ".join(interaction.ivr_path)

    page.get_by_test_id("go-available").click()
    offer = page.get_by_test_id("offer")
    expect(offer).to_be_visible()
    expect(page.get_by_test_id("offer-caller")).to_have_text("Мария Иванова")
    expect(page.get_by_test_id("agent-state")).to_have_text("ringing")
    expect(page.get_by_test_id("accept")).to_be_focused()  # so Enter takes the call
    expect(page.get_by_test_id("customer-name")).to_have_text("Мария Иванова")
    orders = page.get_by_test_id("order")
    expect(orders).to_have_count(2)
    expect(orders.nth(0)).to_contain_text("10045")
    expect(orders.nth(0).get_by_test_id("order-status")).to_have_text("shipped")
    expect(orders.nth(0)).to_contain_text("Передан в СДЭК, Москва")
    expect(orders.nth(1)).to_contain_text("9001")
    interactions = page.get_by_test_id("interaction")
    expect(interactions).to_have_count(19)  # a first page of 20, less the call being offered
    expect(interactions.nth(0)).to_contain_text("Клиент спрашивал о заказе 10045")
    expect(interactions.nth(0)).to_contain_text("Order status given")
    expect(interactions.nth(0)).to_contain_text("Иван Старший")
    # Notes are data, not markup: shown as typed, never run.
    expect(interactions.nth(1).get_by_test_id("interaction-notes")).to_have_text(
        "<b>Не</b> доставлен <script>alert(1)</script>")
    expect(page.get_by_test_id("customer").locator("b, script")).to_have_count(0)
    expect(page.get_by_test_id("open-tickets")).to_contain_text("Возврат чайника")
    expect(page.get_by_test_id("pending-callbacks")).to_contain_text("Перезвонить после доставки")
    expect(page.get_by_test_id("ivr-path")).to_have_text(ivr_path)
    expect(page.get_by_test_id("context-order")).to_have_text("10045")
    expect(page.get_by_test_id("call-context").get_by_text("verified", exact=True)).to_be_visible()
    expect(orders.nth(0)).to_contain_text("asked about")
    page.screenshot(path=artifacts / "screen-pop.png", full_page=True)
    page.get_by_test_id("load-more").click()
    expect(interactions).to_have_count(22)
    expect(interactions.last).to_contain_text("Старый звонок 20")
    expect(page.get_by_test_id("load-more")).to_be_hidden()

    page.keyboard.press("Enter")  # the offer's keyboard shortcut
    expect(page.get_by_test_id("on-call")).to_be_visible()
    expect(page.get_by_test_id("agent-state")).to_have_text("on call")
    expect(page.get_by_test_id("customer-name")).to_have_text("Мария Иванова")

    wait_until_bridged(live_platform.sandbox, call_sid)  # they talk; then the agent ends the call
    page.get_by_test_id("hangup").click()
    wrap_up = page.get_by_test_id("wrap-up")
    expect(wrap_up).to_be_visible()
    expect(page.get_by_test_id("agent-state")).to_have_text("wrap up")
    expect(page.get_by_test_id("go-available")).to_be_disabled()  # no next call before the outcome

    page.get_by_test_id("wrap-up-submit").click()
    expect(page.get_by_test_id("wrap-up-error")).to_have_text("Choose the call's outcome.")
    page.get_by_test_id("disposition").select_option("order_status_given")
    page.get_by_test_id("notes").fill("Сообщила статус заказа 10045 <i>курьер завтра</i>")
    page.get_by_test_id("wrap-up-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Outcome saved: Order status given")  # acknowledged
    expect(wrap_up).to_be_hidden()
    expect(page.get_by_test_id("agent-state")).to_have_text("available")

    committed_session.expire_all()
    interaction = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()
    assert (interaction.customer_id, interaction.agent_id, interaction.disposition, interaction.notes) == (
        known_customer.id, agent.id, "order_status_given", "Сообщила статус заказа 10045 <i>курьер завтра</i>")


def test_unknown_caller_becomes_a_new_customer_and_asks_for_a_callback(
        live_platform, committed_session, make_agent, open_page, log_in):
    agent = make_agent(languages=["ru"])
    live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5, talk_for=None)
    page = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    go_available(page)

    call_sid = live_platform.sandbox.place_call("+79035550199", live_platform.number, UNKNOWN_CALLER_TO_AGENT,
                                                patience=LONG_PATIENCE)
    expect(page.get_by_test_id("offer-caller")).to_have_text("Unknown caller")
    expect(page.get_by_test_id("new-customer-phone")).to_have_value("+79035550199")
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("on-call")).to_be_visible()

    page.get_by_test_id("new-customer-first-name").fill("Пётр")
    page.get_by_test_id("new-customer-last-name").fill("Сидоров <img src=x>")
    page.get_by_test_id("new-customer-submit").click()
    expect(page.get_by_test_id("customer-name")).to_have_text("Пётр Сидоров <img src=x>")
    expect(page.get_by_test_id("on-call-caller")).to_have_text("Пётр Сидоров <img src=x>")
    expect(page.get_by_test_id("customer-phones")).to_contain_text("+79035550199")

    page.reload()  # the call in hand survives a reload
    expect(page.get_by_test_id("on-call")).to_be_visible()
    expect(page.get_by_test_id("customer-name")).to_have_text("Пётр Сидоров <img src=x>")

    wait_until_bridged(live_platform.sandbox, call_sid)
    page.get_by_test_id("hangup").click()
    expect(page.get_by_test_id("wrap-up")).to_be_visible()
    expect(page.get_by_test_id("callback-at")).to_be_hidden()
    page.get_by_test_id("disposition").select_option("callback_requested")
    expect(page.get_by_test_id("callback-at")).to_be_visible()
    tomorrow = (datetime.now(MOSCOW) + timedelta(days=1)).replace(hour=10, minute=30, second=0, microsecond=0)
    page.get_by_test_id("callback-at").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("notes").fill("Перезвонить завтра утром")
    page.get_by_test_id("wrap-up-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Outcome saved: Callback requested")
    expect(page.get_by_test_id("agent-state")).to_have_text("available")

    committed_session.expire_all()
    interaction = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()
    customer = committed_session.get(models.Customer, interaction.customer_id)
    assert (customer.first_name, customer.last_name) == ("Пётр", "Сидоров <img src=x>")
    assert [p.e164 for p in customer.phones] == ["+79035550199"]
    assert (interaction.disposition, interaction.notes) == ("callback_requested", "Перезвонить завтра утром")
    [callback] = committed_session.scalars(sa.select(models.Task).where(models.Task.customer_id == customer.id)).all()
    assert (callback.kind, callback.status, callback.due_at) == ("callback", "pending", tomorrow)


def test_supervisor_watches_an_agent_who_links_a_caller_to_a_customer_found_by_order_number(
        live_platform, committed_session, make_agent, open_page, log_in):
    agent = make_agent(languages=["ru"])
    make_agent("svetlana", "Светлана Старшая", role="supervisor")
    customer = models.Customer(first_name="Анна", last_name="Смирнова", language="ru")
    customer.phones = [models.PhoneNumber(e164="+79261112233", kind="mobile", region="RU")]
    committed_session.add(customer)
    committed_session.flush()
    committed_session.add(models.Order(customer_id=customer.id, number="20077", status="delayed",
                                       placed_at=datetime.now(timezone.utc) - timedelta(days=9)))
    committed_session.commit()
    live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5, talk_for=None)

    floor = log_in(open_page(live_platform.url + "/login"), "svetlana", PASSWORD)
    expect(floor).to_have_url(re.compile(r"/floor$"))
    desk = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    go_available(desk)
    agent_row = floor.locator(f'[data-testid="agent-row"][data-agent-id="{agent.id}"]')
    expect(agent_row).to_contain_text("Ольга Агентова")
    expect(agent_row).to_contain_text("available")
    expect(floor.get_by_test_id("count-available")).to_contain_text("1")

    # The customer calls from a phone the CRM does not know.
    call_sid = live_platform.sandbox.place_call("+79051234567", live_platform.number, UNKNOWN_CALLER_TO_AGENT,
                                                patience=LONG_PATIENCE)
    expect(agent_row).to_contain_text("ringing")
    desk.get_by_test_id("customer-search-q").fill("20077")
    desk.get_by_test_id("customer-search-submit").click()
    result = desk.get_by_test_id("search-result")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Анна Смирнова")
    result.get_by_test_id("link-customer").click()
    expect(desk.get_by_test_id("customer-name")).to_have_text("Анна Смирнова")
    expect(desk.get_by_test_id("offer-caller")).to_have_text("Анна Смирнова")
    expect(desk.get_by_test_id("order").get_by_test_id("order-status")).to_have_text("delayed")

    desk.get_by_test_id("accept").click()
    expect(agent_row).to_contain_text("on call")
    wait_until_bridged(live_platform.sandbox, call_sid)
    desk.get_by_test_id("hangup").click()
    expect(agent_row).to_contain_text("wrap up")
    desk.get_by_test_id("disposition").select_option("escalated")
    desk.get_by_test_id("wrap-up-submit").click()
    expect(desk.get_by_test_id("wrap-up-error")).to_have_text("Give the ticket a subject.")
    desk.get_by_test_id("ticket-subject").fill("Заказ 20077 задерживается")
    desk.get_by_test_id("wrap-up-submit").click()
    expect(desk.get_by_test_id("notice")).to_contain_text("Outcome saved: Escalated (ticket)")
    expect(agent_row).to_contain_text("available")
    desk.get_by_test_id("break-reason").select_option("meeting")
    desk.get_by_test_id("go-break").click()
    expect(agent_row).to_contain_text("break")
    expect(agent_row).to_contain_text("meeting")
    expect(desk.get_by_test_id("state-reason")).to_have_text("(meeting)")

    committed_session.expire_all()
    interaction = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()
    assert (interaction.customer_id, interaction.disposition) == (customer.id, "escalated")
    [ticket] = committed_session.scalars(sa.select(models.Ticket).where(models.Ticket.customer_id == customer.id)).all()
    assert ticket.subject == "Заказ 20077 задерживается"


def test_demo_phone_places_a_sandbox_call_that_is_offered_to_the_agent(
        live_platform, committed_session, known_customer, make_agent, open_page, log_in):
    agent = make_agent(languages=["ru"])
    page = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    go_available(page)

    phone = page.get_by_test_id("demo-phone")
    phone.get_by_test_id("demo-from").fill("12")
    phone.get_by_test_id("demo-call").click()
    expect(phone.get_by_test_id("demo-status")).to_have_attribute("data-ok", "false")
    phone.get_by_test_id("demo-from").fill("8 916 123-45-67")
    phone.get_by_role("button", name="Clear keys").click()
    phone.get_by_role("button", name="0", exact=True).click()
    expect(phone.get_by_test_id("demo-press")).to_have_value("0")
    phone.get_by_test_id("demo-call").click()
    expect(phone.get_by_test_id("demo-status")).to_contain_text("Calling: CA")
    call_sid = re.search(r"CA\w+", phone.get_by_test_id("demo-status").inner_text()).group()

    expect(page.get_by_test_id("offer-caller")).to_have_text("Мария Иванова")
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("on-call")).to_be_visible()
    wait_until_bridged(live_platform.sandbox, call_sid)
    page.get_by_test_id("hangup").click()
    page.get_by_test_id("disposition").select_option("resolved")
    page.get_by_test_id("notes").press("Control+Enter")  # the wrap-up's keyboard shortcut
    expect(page.get_by_test_id("notice")).to_contain_text("Outcome saved: Resolved")
    expect(page.get_by_test_id("agent-state")).to_have_text("available")

    committed_session.expire_all()
    interaction = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()
    assert (interaction.customer_id, interaction.agent_id, interaction.disposition) == (
        known_customer.id, agent.id, "resolved")


def test_agent_holds_resumes_and_transfers_a_call_with_the_keyboard(
        live_platform, committed_session, known_customer, make_agent, open_page, log_in, artifacts):
    olga = make_agent(languages=["ru"])
    ivan = make_agent("ivan2", "Иван Второй", languages=["ru"])
    for agent in (olga, ivan):
        live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5)
    page = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    other = log_in(open_page(live_platform.url + "/login"), "ivan2", PASSWORD)
    go_available(page)

    call_sid = live_platform.sandbox.place_call(CALLER, live_platform.number, [{"press": "0"}],
                                                patience=LONG_PATIENCE)
    expect(page.get_by_test_id("offer-caller")).to_have_text("Мария Иванова")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("on-call")).to_be_visible()
    wait_until_bridged(live_platform.sandbox, call_sid)

    hold = page.get_by_test_id("hold")
    expect(hold).to_be_enabled()
    hold.focus()  # (headless chromium ignores access keys: reach the buttons as with Tab)
    page.keyboard.press("Space")
    expect(page.get_by_test_id("on-hold")).to_be_visible()
    expect(hold).to_have_attribute("aria-pressed", "true")
    expect(hold).to_have_text("Resume")
    page.screenshot(path=artifacts / "on-hold.png")
    wait_for_transcript(live_platform.sandbox, call_sid, "play")  # the hold music
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("on-hold")).to_be_hidden()
    expect(hold).to_have_text("Hold")

    go_available(other)
    page.get_by_test_id("transfer-open").focus()
    page.keyboard.press("Enter")
    target = page.get_by_test_id("transfer-to")
    expect(target).to_be_focused()
    expect(target.locator("option", has_text="Иван Второй")).to_have_count(1)
    target.select_option(f"agent:{ivan.id}")
    page.get_by_test_id("transfer-note").fill("Хочет изменить адрес")
    page.screenshot(path=artifacts / "transfer-form.png")
    page.get_by_test_id("transfer-note").press("Enter")
    expect(page.get_by_test_id("notice")).to_contain_text("The call was transferred to Иван Второй")
    expect(page.get_by_test_id("idle")).to_be_visible()
    expect(page.get_by_test_id("agent-state")).to_have_text("available")

    expect(other.get_by_test_id("offer-transfer")).to_have_text(
        "Transferred by Ольга Агентова: Хочет изменить адрес")
    expect(other.get_by_test_id("customer-name")).to_have_text("Мария Иванова")
    other.screenshot(path=artifacts / "transferred-offer.png", full_page=True)
    other.get_by_test_id("accept").click()
    expect(other.get_by_test_id("on-call")).to_be_visible()
    expect(other.get_by_test_id("context-transfer")).to_contain_text("Transferred by Ольга Агентова")
    wait_until_bridged(live_platform.sandbox, call_sid, ivan.id)  # the caller talks to Ivan, then hangs up
    live_platform.sandbox.hangup(call_sid)
    expect(other.get_by_test_id("wrap-up")).to_be_visible()

    committed_session.expire_all()
    interaction = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()
    kinds = [e.kind for e in interaction.events]
    assert kinds.index("held") < kinds.index("resumed") < kinds.index("transferred")
    assert interaction.agent_id == ivan.id


def test_agent_calls_a_customer_from_their_record_but_never_a_do_not_call_number(
        live_platform, committed_session, known_customer, make_agent, open_page, log_in, artifacts):
    from crm_core.dnc import add_do_not_call

    agent = make_agent(languages=["ru"])
    live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5)
    live_platform.sandbox.add_callee(CALLER, "human", answer_after=2, talk_for=600)
    committed_session.add(models.PhoneNumber(customer_id=known_customer.id, e164="+79035550111", kind="mobile",
                                             region="RU"))
    add_do_not_call(committed_session, "+79035550111", source="disposition", reason="asked")
    committed_session.commit()
    page = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    go_available(page)

    page.get_by_test_id("find-customer-q").focus()
    page.keyboard.type("Иванова")
    page.keyboard.press("Enter")
    page.get_by_test_id("find-customer-result").get_by_test_id("open-customer").click()
    expect(page.get_by_test_id("customer-name")).to_have_text("Мария Иванова")
    page.locator('[data-testid="dial-phone"][data-phone="+79035550111"]').click()
    expect(page.get_by_test_id("notice")).to_contain_text("+79035550111 is on the do-not-call list")
    page.screenshot(path=artifacts / "click-to-dial-refused.png")
    expect(page.get_by_test_id("agent-state")).to_have_text("available")

    page.locator(f'[data-testid="dial-phone"][data-phone="{CALLER}"]').click()
    expect(page.get_by_test_id("on-call")).to_be_visible()
    expect(page.get_by_test_id("on-call-caller")).to_have_text("Мария Иванова")
    expect(page.get_by_test_id("dialing")).to_be_hidden(timeout=15_000)  # she answered
    expect(page.get_by_test_id("hold")).to_be_enabled()
    page.screenshot(path=artifacts / "click-to-dial-connected.png")
    [call_sid] = [c["sid"] for c in live_platform.sandbox.calls() if c["to"] == CALLER]
    wait_until_bridged(live_platform.sandbox, call_sid)
    page.get_by_test_id("hangup").click()
    expect(page.get_by_test_id("wrap-up")).to_be_visible()
    page.get_by_test_id("disposition").select_option("sale")
    page.get_by_test_id("wrap-up-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Outcome saved: Sale")

    committed_session.expire_all()
    [interaction] = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.direction == "outbound")).all()
    assert (interaction.call_sid, interaction.to_number, interaction.agent_id, interaction.disposition) == (
        call_sid, CALLER, agent.id, "sale")


def test_agent_previews_a_campaign_lead_calls_it_answers_its_offer_and_closes_it_with_a_campaign_outcome(
        live_platform, committed_session, make_agent, open_page, log_in, artifacts, redis_client,
        make_dialing_campaign, add_leads):
    from rq import Queue, SimpleWorker

    from crm_core.offers import DEMO_CATALOG, load_catalog

    now = datetime.now(timezone.utc)
    load_catalog(committed_session, DEMO_CATALOG, now=now)
    customer = models.Customer(first_name="Ольга", last_name="Верная", language="ru")
    customer.phones = [models.PhoneNumber(e164=CALLER, kind="mobile", region="RU", is_primary=True)]
    committed_session.add(customer)
    committed_session.flush()
    for days in (5, 20, 50):  # three orders in 90 days, none late: a loyal buyer
        committed_session.add(models.Order(customer_id=customer.id, number=f"7{days:04d}", status="delivered",
                                           placed_at=now - timedelta(days=days), items=[], total_minor=100000))
    campaign = make_dialing_campaign(committed_session, mode="preview", script="Thank her for her orders.",
                                     dispositions=["sale", "not_interested"])
    [lead] = add_leads(committed_session, campaign, [CALLER])
    lead.customer_id, lead.extra = customer.id, {"plan": "Gold"}
    committed_session.commit()
    agent = make_agent(languages=["ru"])
    live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5)
    live_platform.sandbox.add_callee(CALLER, "human", answer_after=1, talk_for=600)
    queue = Queue("default", connection=redis_client)

    page = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-connection", "connected")
    page.get_by_test_id("go-available").click()  # available: the campaign gives her its next lead at once
    preview = page.get_by_test_id("preview")
    expect(preview).to_be_visible()
    expect(page.get_by_test_id("agent-state")).to_have_text("preview")
    expect(page.get_by_test_id("preview-lead")).to_have_text("Lead 0")
    expect(page.get_by_test_id("preview-number")).to_have_text(CALLER)
    expect(page.get_by_test_id("preview-script")).to_have_text("Thank her for her orders.")
    expect(preview).to_contain_text("Gold")
    expect(page.get_by_test_id("customer-name")).to_have_text("Ольга Верная")
    page.screenshot(path=artifacts / "preview-lead.png", full_page=True)

    page.get_by_test_id("preview-call").click()
    deadline = time.monotonic() + 10
    while queue.count == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    with live_platform.app.app_context():
        SimpleWorker([queue], connection=redis_client).work(burst=True)
    expect(page.get_by_test_id("on-call")).to_be_visible()
    expect(page.get_by_test_id("dialing")).to_be_hidden(timeout=15_000)  # she answered: straight to this agent
    expect(page.get_by_test_id("context-script")).to_have_text("Thank her for her orders.")
    suggestion = page.get_by_test_id("offer-suggestion")
    expect(suggestion).to_have_count(1)
    expect(suggestion.get_by_test_id("offer-reason")).to_have_text("Why: 3 orders in 90 days, none delivered late")
    expect(suggestion.get_by_test_id("offer-text")).to_contain_text("бесплатная доставка")
    suggestion.get_by_test_id("offer-accepted").click()
    expect(suggestion.get_by_test_id("offer-accepted")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=artifacts / "preview-call-offer.png", full_page=True)

    page.get_by_test_id("hangup").click()
    expect(page.get_by_test_id("wrap-up")).to_be_visible()
    expect(page.locator('[data-testid="disposition"] option[value="resolved"]')).to_be_disabled()
    page.get_by_test_id("disposition").select_option("sale")
    page.get_by_test_id("wrap-up-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Outcome saved: Sale")

    committed_session.expire_all()
    [response] = committed_session.scalars(sa.select(models.OfferResponse)).all()
    [call] = committed_session.scalars(sa.select(models.Interaction).where(
        models.Interaction.direction == "outbound")).all()
    assert (response.interaction_id, response.agent_id, response.response) == (call.id, agent.id, "accepted")
    assert (call.customer_id, call.agent_id, call.disposition) == (customer.id, agent.id, "sale")
