"""The Content-Security-Policy in a real browser: the main pages of a coach and a client, the
printable plan, the calendar page and the API docs run with it and break none of it; htmx
still answers in place; and the policy really is enforced (an inline script is refused and
reported, which is also what :class:`Pages` watches for in every browser test).
"""

from __future__ import annotations

import datetime as dt

from browsertools import DAY, Pages, Server, make_client, make_coach, nav, sign_in
from playwright.sync_api import expect

COACH = "cora@csp.example"
CLIENT = "cliff@csp.example"


def _csp(response: object) -> str:
    value = response.headers.get("content-security-policy")  # type: ignore[attr-defined]
    assert value, response
    return str(value)


def test_a_coachs_and_a_clients_pages_run_under_the_policy(server: Server,
                                                           pages: Pages) -> None:
    make_coach(server, COACH, "Cora Policy")
    key, password = make_client(server, coach_email=COACH, name="Cliff Client", email=CLIENT,
                                session_on=dt.date.today() - DAY)
    assert password

    coach = pages.desktop()
    sign_in(coach, server, COACH)
    for url in ("/coach", f"/people/{key}", f"/people/{key}/assess", f"/people/{key}/photo",
                f"/people/{key}/progress", f"/people/{key}/calendar", "/account"):
        answer = coach.goto(server + url)
        assert answer is not None
        assert answer.status == 200, url
        assert "script-src 'self'" in _csp(answer)
    # the calendar address selects itself on focus (once an inline onfocus, now anklet.js)
    coach.goto(f"{server}/people/{key}/calendar")
    with coach.expect_navigation(wait_until="load"):  # anklet.js is deferred: focus only
        coach.get_by_role("button", name="Make a calendar address").click()  # once it listens
    field = coach.get_by_test_id("feed-url")
    field.focus()
    expect(field).to_be_focused()
    assert coach.evaluate("(() => { const f = document.getElementById('feed-url');"
                          " return f.selectionEnd - f.selectionStart; })()") == len(
        field.input_value())
    # the printable plan: its inline <style> carries the answer's nonce, so it applies
    answer = coach.goto(f"{server}/people/{key}/plan/print")
    assert answer is not None
    assert "'nonce-" in _csp(answer)
    assert coach.evaluate("getComputedStyle(document.querySelector('h1')).color") == (
        "rgb(31, 111, 92)")  # #1f6f5c, from the <style> block
    assert coach.evaluate("typeof window.print") == "function"

    client = pages.phone()
    sign_in(client, server, CLIENT, password)
    for url in ("/me", "/me/plan", "/me/progress", "/me/check-in"):
        answer = client.goto(server + url)
        assert answer is not None
        assert answer.status == 200, url
    # htmx still answers in place: the morning pain prompt, one tap, no page load
    client.goto(server + "/me")
    client.evaluate("window.__mark = 'same page'")
    client.locator("#morning").get_by_role("button", name="2 out of 10").tap()
    expect(client.locator("#morning").get_by_role("status")).to_have_text(
        "Thanks: 2/10 this morning is noted.")
    assert client.evaluate("window.__mark") == "same page"
    # htmx added no <style> of its own (the policy would have refused it)
    assert client.evaluate("document.querySelectorAll('style').length") == 0
    expect(nav(client, "Today")).to_be_visible()
    assert pages.csp_violations == []


def test_the_api_docs_run_under_the_policy(server: Server, pages: Pages) -> None:
    page = pages.desktop()
    page.goto(server + "/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Anklet")
    expect(page.locator(".opblock").first).to_be_visible()  # the operations are listed
    assert pages.csp_violations == []


def test_an_inline_script_is_refused_and_reported(server: Server, pages: Pages) -> None:
    page = pages.desktop()
    page.goto(server + "/sign-in")
    with page.expect_console_message(lambda m: "CSP violation" in m.text) as message:
        page.evaluate("""() => {
            const s = document.createElement("script");
            s.textContent = "window.__ran = true";
            document.body.appendChild(s);
        }""")
    assert "script-src" in message.value.text
    assert page.evaluate("window.__ran === undefined")
    assert pages.csp_violations  # what every browser test would fail on
    pages.csp_violations.clear()  # seen: the point of this test
