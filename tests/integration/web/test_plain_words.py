"""Plain words on the pages, the person page's navigation, the log form's pain taps and the
week's missed days.

The wording tests read each page's visible text as a person would and fail on what the
pages used to say: "dose ×1.40", "protocol anklet-default v2", "LSI", "MDC", bare source
keys such as "Silbernagel2007" and ISO dates such as "2026-11-23"."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
from webtools import Web, WebClient

from anklet.domain.history import Availability, History, Intake, Person, Screening
from anklet.services import evaluation, records
from anklet.services.demo import Script, simulate
from anklet.web import words

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
COACH = "coach@example.org"
EVERY_DAY = Availability(mon=30, tue=30, wed=30, thu=30, fri=30, sat=30, sun=30)

JARGON = [
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "an ISO date"),
    (re.compile(r"dose\s*×|×\s*\d\.\d\d"), "a dose factor"),
    (re.compile(r"anklet-default|\bprotocol\b", re.I), "the protocol's name"),
    (re.compile(r"\bLSI\b|\bMDC\b|\bMCID\b"), "an abbreviation"),
    (re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)?\d{4}\b"), "a bare source key"),
    (re.compile(r"\bconvention\b"), "a source key"),
]


class _Visible(HTMLParser):
    """The text a person sees: no scripts, styles or tags."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def visible(page: str) -> str:
    return _Visible(page).text


def jargon(text: str) -> list[str]:
    return [f"{what}: {m.group(0)!r} in …{text[max(0, m.start() - 60):m.end() + 30]}…"
            for pattern, what in JARGON for m in pattern.finditer(text)]


def _person(key: str, name: str, start: dt.date) -> History:
    return History(person=Person(id=key, name=name, created=start), intake=Intake(date=start),
                   availability=Availability(mon=25, tue=20, wed=30, thu=20, fri=25, sat=45,
                                             sun=20))


def _store(web: Web, h: History) -> None:
    with web.ctx.uow() as uow:
        coach = uow.accounts.by_email(COACH)
        assert coach is not None
        uow.people.add(h)
        uow.accounts.set_coach(h.person.id, coach.id)
        uow.commit()


@pytest.fixture
def steady(web: Web, coach: WebClient) -> WebClient:
    """A client six weeks in, tested every two weeks: stage changes, tests, sources."""
    start = MONDAY - dt.timedelta(weeks=6)
    _store(web, simulate(_person("rosa", "Rosa Runner", start), weeks=7,
                         script=Script(retest_every=2), protocol=web.ctx.protocol,
                         library=web.ctx.library, until=TODAY))
    return web.account("client", "rosa@example.org", "Rosa Runner", person_key="rosa")


@pytest.fixture
def flared(web: Web, coach: WebClient) -> WebClient:
    """A client whose sessions hurt this week: amounts cut, a flare in the reasons."""
    start = MONDAY - dt.timedelta(weeks=4)

    def pain(w: int, d: int) -> int:
        date = start + dt.timedelta(days=7 * w + d)
        return 7 if 1 <= (TODAY - date).days <= 6 else 1

    _store(web, simulate(_person("fay", "Fay Flare", start), weeks=5,
                         script=Script(retest_every=2, pain_during=pain),
                         protocol=web.ctx.protocol, library=web.ctx.library, until=TODAY))
    return web.account("client", "fay@example.org", "Fay Flare", person_key="fay")


CLIENT_PAGES = ["/me", "/people/{key}/plan", "/people/{key}/progress", "/people/{key}/log", "/me/check-in",
                "/people/{key}/plan/print", "/people/{key}/guided"]


@pytest.mark.parametrize("path", CLIENT_PAGES)
@pytest.mark.parametrize("who", ["steady", "flared"])
def test_client_pages_use_no_internal_terms(request: pytest.FixtureRequest, web: Web,
                                            who: str, path: str) -> None:
    client: WebClient = request.getfixturevalue(who)
    r = client.get(path.format(key=client.person_key))
    assert r.status_code == 200, r.text
    assert jargon(visible(r.text)) == []


@pytest.mark.parametrize("key", ["rosa", "fay"])
def test_coach_person_page_has_plain_dates_and_readable_sources(
        coach: WebClient, steady: WebClient, flared: WebClient, key: str) -> None:
    r = coach.get(f"/people/{key}")
    assert r.status_code == 200
    text = visible(r.text)
    assert jargon(text) == []
    assert "Silbernagel 2007" in text  # a short reference where it helps trust
    assert "Anklet's rules, version" in text
    assert "of the starting dose" not in text
    assert re.search(r"exercise amounts: (the starting amount|\d+ % (more|less) than at the "
                     r"start)", text)


def test_flared_client_reads_the_amount_against_the_start(coach: WebClient,
                                                          flared: WebClient) -> None:
    text = visible(coach.get("/people/fay").text)
    assert re.search(r"exercise amounts: \d+ % less than at the start", text), text[:600]


def test_client_page_leaves_source_keys_out_of_reasons() -> None:
    said = "Not clear to train yet — pain 3/10 [Silbernagel2007]. Moves on Monday 2026-12-07."
    assert words.plain(said, today=dt.date(2026, 12, 1)) == (
        "Not clear to train yet — pain 3/10. Moves on Mon 7 Dec.")
    assert words.plain(said, coach=True, today=dt.date(2026, 12, 1)) == (
        "Not clear to train yet — pain 3/10 (Silbernagel 2007). Moves on Mon 7 Dec.")
    assert words.plain("last sprain 2025-09-07", today=dt.date(2026, 12, 1)) == (
        "last sprain Sun 7 Sep 2025")
    assert words.plain("[convention]", coach=True) == " (Anklet's choice)"


@pytest.mark.parametrize(("level", "said"), [
    (1.0, "the starting amount"), (1.4, "40 % more than at the start"),
    (0.8, "20 % less than at the start"), (float("nan"), "the starting amount")])
def test_amount_is_said_against_the_start(level: float, said: str) -> None:
    assert words.amount(level) == said


def test_long_reason_folds_into_a_headline_and_its_items() -> None:
    head, items = words.parts("Last change Mon 30 Nov: Every criterion for stage 3 was met: "
                              + "; ".join(f"Test {i} (left 1; right 2) meets ≥ {i} days"
                                          for i in range(6)) + ".")
    assert head == "Last change Mon 30 Nov: Every criterion for stage 3 was met"
    assert items[0] == "Test 0 (left 1; right 2) meets ≥ 0 days"
    assert len(items) == 6
    assert words.parts("Short: reason.") == ("Short: reason.", [])
    # a stage change's reason: the list starts after "was met", whatever colons follow
    head, items = words.parts("Every criterion for stage 2 was met: " + "; ".join(
        f"Label {i} (last week): {i} days — meets ≥ 1 day (last 7 days)" for i in range(5)))
    assert head == "Every criterion for stage 2 was met"
    assert items[0] == "Label 0 (last week): 0 days — meets ≥ 1 day (last 7 days)"


# --- the person page's navigation ---------------------------------------------------------


def test_person_page_links_to_each_of_its_sections(coach: WebClient,
                                                   steady: WebClient) -> None:
    page = coach.get("/people/rosa").text
    nav = page[page.index('<nav class="toc"'):]
    nav = nav[:nav.index("</nav>")]
    targets = re.findall(r'href="#([\w-]+)"', nav)
    assert targets[:3] == ["now", "checklist", "week"]  # what to do now comes first
    assert {"tests", "changes", "overrides", "history", "audit"} <= set(targets)
    for t in targets:
        assert page.count(f' id="{t}"') == 1, t
    # the sections come in the order the navigation lists them
    order = [page.index(f' id="{t}"') for t in targets]
    assert order == sorted(order)


def test_person_page_folds_long_reasons(coach: WebClient, steady: WebClient) -> None:
    page = coach.get("/people/rosa").text
    now = page[page.index('id="now"'):page.index('id="checklist"')]
    if "Last change" in now:
        assert "<details><summary>Last change" in now


# --- logging: pain taps, missed days ------------------------------------------------------


def _ready(web: Web, key: str) -> None:
    p = web.ctx.protocol
    with web.ctx.uow() as uow:
        records.create_screening(uow, key=key, protocol=p, screening=Screening(
            date=TODAY - 21 * DAY, red_flags={f.id: False for f in p.red_flags}))
        records.update_availability(uow, key=key, availability=EVERY_DAY)
        evaluation.get(uow, key=key, protocol=p, library=web.ctx.library, save=True)
        uow.commit()


class _Radios(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.radios: dict[str, list[str]] = {}
        self.inputs: dict[str, str] = {}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            if a.get("type") == "radio":
                self.radios.setdefault(str(a["name"]), []).append(a.get("value") or "")
            else:
                self.inputs[str(a["name"])] = a.get("value") or ""


def test_log_form_asks_pain_before_with_taps(web: Web, client_of_coach: WebClient) -> None:
    key = str(client_of_coach.person_key)
    _ready(web, key)
    page = client_of_coach.get(f"/people/{key}/log").text
    form = _Radios(page)
    assert form.radios["pain_before"] == [str(n) for n in range(11)] + [""]
    assert form.radios["pain_during"] == [str(n) for n in range(11)]
    assert "pain_before" not in form.inputs  # no text box any more
    fieldset = page[page.index('id="f-pain_before"'):]
    fieldset = fieldset[:fieldset.index("</fieldset>")]
    assert "<legend>Pain before" in fieldset  # a labelled group
    assert "Skip</span>" in fieldset


@pytest.mark.parametrize(("sent", "stored"), [("3", 3), ("", None), ("0", 0)])
def test_log_stores_the_pain_before_tapped(web: Web, client_of_coach: WebClient, sent: str,
                                           stored: int | None) -> None:
    key = str(client_of_coach.person_key)
    _ready(web, key)
    form = _Radios(client_of_coach.get(f"/people/{key}/log").text)
    data = {k: v for k, v in form.inputs.items() if k != "csrf_token"}
    data.update({k: "on" for k in form.inputs if k.endswith("_done")})
    first = next(k.removesuffix("_id") for k in form.inputs if k.endswith("_id"))
    r = client_of_coach.form(f"/people/{key}/log", {**data, f"{first}_done": "on",
                                                    "pain_during": "1",
                                                    "pain_before": sent})
    assert r.status_code == 303, html.unescape(r.text)[-2000:]
    with web.ctx.uow() as uow:
        [s] = uow.people.get(key).sessions
    assert s.pain_before == stored


def _log_on(web: Web, key: str, day: dt.date) -> None:
    from anklet.domain.history import ExerciseLog, Session
    with web.ctx.uow() as uow:
        records.create_session(uow, key=key, library=web.ctx.library, session=Session(
            date=day, exercises=[ExerciseLog(exercise_id="seated-forefoot-roll", sets=1,
                                             seconds=60)], pain_during=1))
        uow.commit()


def test_week_plan_marks_missed_days_apart_from_done_and_future_ones(
        web: Web, client_of_coach: WebClient) -> None:
    key = str(client_of_coach.person_key)
    _ready(web, key)
    last_monday = MONDAY - 7 * DAY
    _log_on(web, key, last_monday + DAY)  # last Tuesday: done
    page = html.unescape(client_of_coach.get(f"/people/{key}/plan?week={last_monday.isoformat()}").text)
    days = re.findall(r'<section class="card day[^"]*" id="d-([\d-]+)">\s*<h2>(.*?)</h2>',
                      page, re.S)
    assert len(days) == 7
    marks = {d: ("Logged ✓" in h, "Missed ✗" in h) for d, h in days}
    assert marks[(last_monday + DAY).isoformat()] == (True, False)
    missed = [d for d, (_, m) in marks.items() if m]
    assert missed  # planned days gone by with nothing logged say so in words
    assert (last_monday + DAY).isoformat() not in missed
    future = html.unescape(client_of_coach.get(
        f"/people/{key}/plan?week={(MONDAY + 7 * DAY).isoformat()}").text)
    assert "Missed" not in future  # days still to come are never missed


def test_week_strip_on_today_marks_missed_days_in_words(web: Web,
                                                        client_of_coach: WebClient) -> None:
    if TODAY.weekday() == 0:
        pytest.skip("on a Monday no day of this week has gone by yet")
    key = str(client_of_coach.person_key)
    _ready(web, key)
    page = client_of_coach.get("/me").text
    strip = page[page.index('<nav class="week-strip"'):]
    strip = strip[:strip.index("</nav>")]
    cells = re.findall(r'class="wday([^"]*)">(.*?)</a>', strip, re.S)
    assert len(cells) == 7
    for i, (classes, body) in enumerate(cells):
        day = MONDAY + i * DAY
        if day < TODAY and "has-plan" in classes:
            assert "is-missed" in classes
            assert "missed" in visible(body)  # said, not only coloured
        elif day > TODAY:
            assert "is-missed" not in classes
            assert "missed" not in visible(body)
    assert "✗ missed" in visible(page)  # the legend


def test_pain_taps_are_tinted_by_the_protocols_zones_and_say_them(
        web: Web, client_of_coach: WebClient) -> None:
    key = str(client_of_coach.person_key)
    _ready(web, key)
    page = client_of_coach.get(f"/people/{key}/log").text
    pm = web.ctx.protocol.pain_monitoring
    safe, acceptable = int(pm.safe_max.value), int(pm.acceptable_max.value)
    fieldset = page[page.index('id="f-pain_during"'):]
    fieldset = fieldset[:fieldset.index("</fieldset>")]
    zones = {int(v): z for z, v in re.findall(
        r'class="pill zone-(\w+)"><input type="radio" name="pain_during" value="(\d+)"',
        fieldset)}
    assert zones == {n: "safe" if n <= safe else "ok" if n <= acceptable else "high"
                     for n in range(11)}
    said = (f"0–{safe} is fine, {safe + 1}–{acceptable} is acceptable, above {acceptable} is "
            f"too much.")
    assert said in html.unescape(fieldset)  # in words, not colour alone
