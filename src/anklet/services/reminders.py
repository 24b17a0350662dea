"""Reminders a person chooses (#17 item 4): the day's plan, the next-morning pain question,
and for a coach a weekly summary of who needs attention and why.

Each account chooses, per kind, whether it is on, on which weekdays, at what time, in which
time zone (an IANA name such as Europe/Berlin). :func:`due_day` is the pure rule: a reminder
is due from its local time on a chosen weekday until :data:`LATE` after it — a server that
was off all night does not send yesterday's morning question at noon. :func:`queue_due`
queues every due reminder into the outbox with the key
``reminder:{account}:{kind}:{local date}`` (so each goes once, across restarts and several
workers), and the outbox sender (:mod:`anklet.services.outbox`) sends it, calling
:func:`prepare` first for the links: a one-click "stop these reminders" link (RFC 8058
headers too) and, for the pain question, one link per pain score 0–10 that records the
morning pain once. Only the SHA-256 of each link's token is stored (``reminder_links``).

Nothing is queued when ``ANKLET_PUBLIC_URL`` is empty: an email's links need the site's
address, and a reminder without them would be no use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from anklet.domain.errors import AnkletError, InputError, NotFoundError
from anklet.services import dashboard, evaluation, records
from anklet.services.context import Context
from anklet.services.recovery import LinkError
from anklet.store.accounts import Account, QueuedMail
from anklet.store.errors import StoreError
from anklet.store.reminders import ReminderLink, ReminderRepository, StoredReminder
from anklet.store.uow import UnitOfWork

LATE = dt.timedelta(hours=1)
"""A reminder more than this late is not queued, nor sent (convention)."""
STOP_LIFETIME = dt.timedelta(days=60)
PAIN_LIFETIME = dt.timedelta(days=2)
DEFAULT_ZONE = "UTC"
PAIN_SCORES = range(11)
_log = logging.getLogger("anklet.mail")

DAY_PLAN, MORNING_PAIN, WEEKLY_SUMMARY = "day_plan", "morning_pain", "weekly_summary"
KINDS: dict[str, str] = {
    DAY_PLAN: "The day's plan",
    MORNING_PAIN: "The morning pain question",
    WEEKLY_SUMMARY: "A weekly summary of your clients",
}
WHAT: dict[str, str] = {
    DAY_PLAN: "On the days you choose, an email with that day's exercises and doses, and a "
              "link to log them. Nothing is sent on a day with nothing planned.",
    MORNING_PAIN: "The morning after a session you logged, an email asking how your ankle "
                  "feels: one tap on a number from 0 to 10 records it.",
    WEEKLY_SUMMARY: "An email listing the clients who need your attention, and why.",
}
DEFAULTS: dict[str, tuple[str, str]] = {  # kind: (days, time) offered before a first save
    DAY_PLAN: ("0123456", "07:30"),
    MORNING_PAIN: ("0123456", "08:00"),
    WEEKLY_SUMMARY: ("0", "08:00"),
}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOTHING_TODAY = "nothing to remind of that day"
"""Why a due reminder was passed over (a day with nothing planned, no session the day before)."""
NOT_SENT = frozenset({"too late to send", "reminder turned off",
                      "morning pain already recorded", "nothing to remind of any more"})
"""Why a claimed reminder is not sent after all (never tried again)."""
STOP_PATH = "/reminders/stop/"
PAIN_PATH = "/reminders/pain/"


def kinds_for(account: Account) -> tuple[str, ...]:
    """The reminders an account can choose: a coach a weekly summary; a client or a
    self-coached person the day's plan and the pain question."""
    if account.role == "coach":
        return (WEEKLY_SUMMARY,)
    return (DAY_PLAN, MORNING_PAIN)


# -- choices and the rule ----------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    kind: str
    enabled: bool
    days: frozenset[int]
    at: dt.time
    time_zone: str

    @property
    def days_text(self) -> str:
        return "".join(str(d) for d in sorted(self.days))


def zone(name: str, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    """The IANA time zone ``name``; InputError naming the field otherwise."""
    accepted = "accepted: a time zone name such as Europe/Berlin, America/New_York or UTC"
    clean = name.strip()
    if not clean or len(clean) > 64 or clean.startswith(("/", ".")) or ".." in clean:
        raise InputError(field, name, accepted)
    try:
        return zoneinfo.ZoneInfo(clean)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(field, name, accepted) from None


def parse_time(value: str, field: str) -> dt.time:
    accepted = "accepted: a time from 00:00 to 23:59, as hours:minutes"
    text = value.strip()
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() and len(p) == 2
                                           for p in parts):
        raise InputError(field, value, accepted)
    hour, minute = int(parts[0]), int(parts[1])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InputError(field, value, accepted)
    return dt.time(hour, minute)


def choice_of(stored: StoredReminder) -> Choice:
    return Choice(stored.kind, stored.enabled, frozenset(int(c) for c in stored.days),
                  parse_time(stored.at, "at"), stored.time_zone)


def due_day(choice: Choice, now: dt.datetime) -> dt.date | None:
    """The local date whose reminder is due at ``now`` (an aware datetime), or None.

    Due from the chosen local time on a chosen weekday until :data:`LATE` after it. A
    time the clocks skip (02:30 the night summer time starts) comes as the clocks pass it
    (03:30 then); a time that happens twice (the night it ends) counts the first time. A
    reminder at 23:30 is still due at 00:10 the next day, for the day before."""
    if not choice.enabled or not choice.days:
        return None
    local = now.astimezone(zone(choice.time_zone))
    for day in (local.date(), local.date() - dt.timedelta(days=1)):
        if day.weekday() not in choice.days:
            continue
        start = due_at(choice, day)
        if start <= now < start + LATE:
            return day
    return None


def due_at(choice: Choice, day: dt.date) -> dt.datetime:
    """The moment (UTC) the reminder of local ``day`` is due."""
    tz = zone(choice.time_zone)
    return dt.datetime.combine(day, choice.at, tzinfo=tz).astimezone(dt.UTC)


def outbox_key(account_id: int, kind: str, day: dt.date) -> str:
    return f"reminder:{account_id}:{kind}:{day.isoformat()}"


def template_of(kind: str) -> str:
    return f"reminder_{kind}"


def words_day(day: dt.date) -> str:
    """"Mon 2 Nov", as pages write dates."""
    return f"{day:%a} {day.day} {day:%b}"


# -- the settings page's form --------------------------------------------------------------


@dataclass(frozen=True)
class FormResult:
    choices: dict[str, Choice]
    errors: dict[str, str]
    zone_name: str


def read_form(kinds: Sequence[str], form: Mapping[str, Sequence[str]]) -> FormResult:
    """The choices a settings form gives (``form``: each field's values). The time zone
    comes from ``time_zone``, else the browser's (``browser_zone``, filled by a script),
    else UTC. Errors name the field, the value and what is accepted."""
    def one(name: str) -> str:
        values = form.get(name) or [""]
        return values[0]

    errors: dict[str, str] = {}
    zone_name = one("time_zone").strip()
    if zone_name:
        try:
            zone(zone_name)
        except InputError as e:
            errors["time_zone"] = f"Time zone: {zone_name!r} is not accepted; {e.accepted}."
    else:
        browser = one("browser_zone").strip()
        try:
            zone(browser)
            zone_name = browser
        except InputError:
            zone_name = DEFAULT_ZONE
    choices: dict[str, Choice] = {}
    for kind in kinds:
        on = one(f"{kind}_on") in ("on", "yes", "1", "true")
        raw_days = form.get(f"{kind}_days") or []
        days: set[int] = set()
        for raw in raw_days:
            if raw.isascii() and raw.isdigit() and 0 <= int(raw) <= 6:
                days.add(int(raw))
            else:
                errors[f"{kind}_days"] = (f"{KINDS[kind]}, days: {raw!r} is not accepted; "
                                          "accepted: 0 (Monday) to 6 (Sunday)")
        at_raw = one(f"{kind}_at") or DEFAULTS[kind][1]
        try:
            at = parse_time(at_raw, f"{kind}_at")
        except InputError as e:
            errors[f"{kind}_at"] = f"{KINDS[kind]}, time: {at_raw!r} is not accepted; {e.accepted}."
            at = dt.time(0, 0)
        if on and not days and f"{kind}_days" not in errors:
            errors[f"{kind}_days"] = (f"{KINDS[kind]}, days: none chosen; accepted: at least "
                                      "one day of the week when the reminder is on")
        choices[kind] = Choice(kind, on, frozenset(days), at, zone_name)
    return FormResult(choices, errors, zone_name)


def settings_for(uow: UnitOfWork, account: Account) -> dict[str, Choice]:
    """The account's choices, each kind it can choose (off, with defaults, before a save)."""
    stored = ReminderRepository(uow.connection).for_account(account.id)
    out: dict[str, Choice] = {}
    zone_name = next((s.time_zone for s in stored.values()), DEFAULT_ZONE)
    for kind in kinds_for(account):
        if kind in stored:
            out[kind] = choice_of(stored[kind])
        else:
            days, at = DEFAULTS[kind]
            out[kind] = Choice(kind, False, frozenset(int(c) for c in days),
                               parse_time(at, "at"), zone_name)
    return out


def has_saved(uow: UnitOfWork, account: Account) -> bool:
    return bool(ReminderRepository(uow.connection).for_account(account.id))


def save(uow: UnitOfWork, account: Account, choices: Mapping[str, Choice],
         now: dt.datetime | None = None) -> None:
    now = now or dt.datetime.now(dt.UTC)
    repo = ReminderRepository(uow.connection)
    allowed = kinds_for(account)
    for kind, c in choices.items():
        if kind not in allowed:
            raise InputError("kind", kind, f"accepted: {', '.join(allowed)}")
        zone(c.time_zone)
        repo.save(StoredReminder(account.id, kind, c.enabled, c.days_text,
                                 f"{c.at:%H:%M}", c.time_zone), now)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="reminders_set",
                       person_key=account.person_key,
                       detail={k: {"on": c.enabled, "days": c.days_text, "at": f"{c.at:%H:%M}",
                                   "zone": c.time_zone} for k, c in choices.items()})


def day_plan_alarm(uow: UnitOfWork, key: str) -> tuple[dt.time, str] | None:
    """The time (and zone) of the day-plan reminder of the person's own account, when it is
    on: the calendar feed gives each session an alarm then."""
    account = uow.accounts.by_person(key)
    if account is None:
        return None
    stored = ReminderRepository(uow.connection).for_account(account.id).get(DAY_PLAN)
    if stored is None or not stored.enabled:
        return None
    return parse_time(stored.at, "at"), stored.time_zone


# -- queueing ------------------------------------------------------------------------------------


def _day_plan_values(ctx: Context, uow: UnitOfWork, key: str, day: dt.date
                     ) -> dict[str, Any] | None:
    history = uow.people.get(key)
    ev = evaluation.evaluate(history=history, protocol=ctx.protocol, library=ctx.library,
                             as_of=day, week_start=day - dt.timedelta(days=day.weekday()))
    if not ev.decision.can_prescribe or ev.plan.refused:
        return None
    plan_day = next((d for d in ev.plan.days if d.date == day), None)
    if plan_day is None or not plan_day.blocks:
        return None
    blocks = [{"label": b.label, "minutes": b.minutes,
               "items": [{"name": i.exercise.name, "dose": i.dose} for i in b.items]}
              for b in plan_day.blocks]
    if not any(b["items"] for b in blocks):
        return None
    return {"person": key, "name": history.person.name, "day": words_day(day),
            "blocks": blocks, "minutes": sum(b.minutes for b in plan_day.blocks)}


def _morning_values(uow: UnitOfWork, key: str, day: dt.date) -> dict[str, Any] | None:
    """Asked the morning after a logged session (``day`` is the morning's date) whose
    morning pain is not in yet."""
    history = uow.people.get(key)
    yesterday = day - dt.timedelta(days=1)
    sessions = [s for s in history.sessions if s.date == yesterday]
    if not sessions or sessions[-1].pain_next_morning is not None:
        return None
    return {"person": key, "name": history.person.name, "session": yesterday.isoformat(),
            "session_day": words_day(yesterday)}


def _summary_values(ctx: Context, uow: UnitOfWork, coach: Account, day: dt.date
                    ) -> dict[str, Any]:
    board = dashboard.get(uow, coach=coach, protocol=ctx.protocol, library=ctx.library,
                          today=day)
    people = [{"name": r.name, "person": r.key,
               "why": [f"{b.label}: {b.title}" for b in r.badges] or [r.status_text]}
              for r in board.rows if r.needs_attention]
    return {"name": coach.name, "day": words_day(day), "total": board.total,
            "attention": board.attention, "people": people,
            "more": max(0, board.attention - len(people))}


def queue_due(ctx: Context, *, now: dt.datetime | None = None) -> int:
    """Queue every reminder due at ``now``, once each (the outbox key); how many were
    queued. One with nothing to remind of that day (a rest day, no session the day before)
    is passed over once, noted in the outbox with why, so the rounds of the rest of its
    hour neither plan the day again nor open a write; an already queued one is seen in the
    first read. Nothing without ANKLET_PUBLIC_URL (the links need it)."""
    if not ctx.settings.public_url:
        return 0
    now = now or dt.datetime.now(dt.UTC)
    with ctx.uow(write=False) as uow:
        repo = ReminderRepository(uow.connection)
        wanted = [(r, due_day(choice_of(r), now)) for r in repo.enabled()]
        due = [(r, day, outbox_key(r.account_id, r.kind, day))
               for r, day in wanted if day is not None]
        done = repo.queued_keys([key for *_, key in due])
    queued = 0
    for r, day, key in due:
        if key in done:
            continue
        try:
            with ctx.uow() as uow:
                queued += _queue_one(ctx, uow, r, day, key, now)
                uow.commit()
        except StoreError as e:  # the database (busy, say): tried again next round
            _log.warning("A reminder (%s) was not queued: %s", key, e)
        except AnkletError as e:  # a record the engine refuses: passed over; others still go
            _log.warning("A reminder (%s) was not queued: %s", key, e)
            with ctx.uow() as uow:
                ReminderRepository(uow.connection).pass_over(
                    key=key, account_id=r.account_id, template=template_of(r.kind),
                    reason=f"not queued: {e}", now=now)
                uow.commit()
    return queued


def _queue_one(ctx: Context, uow: UnitOfWork, r: StoredReminder, day: dt.date, key: str,
               now: dt.datetime) -> int:
    """Queue (1) or pass over (0) the reminder ``r`` of local ``day``."""
    repo = ReminderRepository(uow.connection)
    if repo.queued(key):  # queued a moment ago by another worker
        return 0
    account = uow.accounts.by_id(r.account_id)
    if account is None or r.kind not in kinds_for(account):
        return 0
    values: dict[str, Any] | None
    if r.kind == WEEKLY_SUMMARY:
        values = _summary_values(ctx, uow, account, day)
    elif account.person_key is None or not uow.people.exists(account.person_key):
        values = None
    elif r.kind == DAY_PLAN:
        values = _day_plan_values(ctx, uow, account.person_key, day)
    else:
        values = _morning_values(uow, account.person_key, day)
    if values is None:
        repo.pass_over(key=key, account_id=r.account_id, template=template_of(r.kind),
                       reason=NOTHING_TODAY, now=now)
        return 0
    values |= {"kind": r.kind, "date": day.isoformat(),
               "due_at": due_at(choice_of(r), day).isoformat()}
    return int(uow.accounts.queue_mail(key=key, account_id=r.account_id,
                                       template=template_of(r.kind), values=values, now=now))


# -- sending: the links ----------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Prepared:
    values: dict[str, Any]
    headers: dict[str, str]


def is_reminder(template: str) -> bool:
    return template.startswith("reminder_")


def prepare(uow: UnitOfWork, m: QueuedMail, *, base: str, now: dt.datetime) -> Prepared | str:
    """The links of a claimed reminder (made now: only their hashes are stored), or why it
    is not sent after all (turned off since, the pain already recorded, too late)."""
    try:
        with uow.savepoint():
            return _prepare(uow, m, base=base, now=now)
    except AnkletError:  # the person was deleted since, say
        return "nothing to remind of any more"


def _prepare(uow: UnitOfWork, m: QueuedMail, *, base: str, now: dt.datetime) -> Prepared | str:
    kind = str(m.values.get("kind", ""))
    due = dt.datetime.fromisoformat(str(m.values.get("due_at") or m.created_at.isoformat()))
    if now - due > LATE:  # counted from the time chosen, not from when it was queued
        return "too late to send"
    repo = ReminderRepository(uow.connection)
    stored = repo.for_account(m.account_id).get(kind)
    if stored is None or not stored.enabled:
        return "reminder turned off"
    repo.delete_expired_links(now)  # the links of older reminders that ended
    stop = secrets.token_urlsafe(32)
    repo.add_link(token_hash=_hash(stop), account_id=m.account_id, kind=kind, purpose="stop",
                  day=None, now=now, expires_at=now + STOP_LIFETIME)
    base = base.rstrip("/")
    stop_link = f"{base}{STOP_PATH}{stop}"
    values: dict[str, Any] = {"stop_link": stop_link, "settings_link": f"{base}/reminders",
                              "home_link": f"{base}/coach" if kind == WEEKLY_SUMMARY
                              else f"{base}/me", "what": KINDS[kind]}
    if kind == DAY_PLAN:  # straight to the log form
        values["home_link"] = f"{base}/people/{m.values['person']}/log"
    if kind == MORNING_PAIN:
        session = dt.date.fromisoformat(str(m.values["session"]))
        history = uow.people.get(str(m.values["person"]))
        if any(s.date == session and s.pain_next_morning is not None
               for s in history.sessions[-50:]):
            return "morning pain already recorded"
        token = secrets.token_urlsafe(32)
        repo.add_link(token_hash=_hash(token), account_id=m.account_id, kind=kind,
                      purpose="pain", day=session, now=now, expires_at=now + PAIN_LIFETIME)
        values["pain_links"] = [{"pain": n, "link": f"{base}{PAIN_PATH}{token}?pain={n}"}
                                for n in PAIN_SCORES]
    headers = {"List-Unsubscribe": f"<{stop_link}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return Prepared(values, headers)


# -- following the links -----------------------------------------------------------------------

STOP_EXPIRED = ("This link to stop reminders has expired. Sign in and turn reminders off "
                "on the Reminders page of your account.")
PAIN_EXPIRED = ("This link has expired or has already been used. Open Anklet to record how "
                "your ankle feels this morning.")


def stop_link(uow: UnitOfWork, token: str, now: dt.datetime | None = None) -> ReminderLink:
    """The live stop link ``token`` opens; LinkError otherwise."""
    now = now or dt.datetime.now(dt.UTC)
    found = ReminderRepository(uow.connection).link(_hash(token), "stop")
    if found is None or found.expires_at <= now:
        raise LinkError(STOP_EXPIRED)
    return found


def stop(uow: UnitOfWork, token: str, now: dt.datetime | None = None) -> ReminderLink:
    """Turns off the kind of reminder the link is for (using it again changes nothing)."""
    now = now or dt.datetime.now(dt.UTC)
    found = stop_link(uow, token, now)
    if ReminderRepository(uow.connection).turn_off(found.account_id, found.kind, now):
        account = uow.accounts.by_id(found.account_id)
        if account is not None:
            uow.accounts.audit(account_id=account.id, actor=account.email,
                               action="reminders_stopped", person_key=account.person_key,
                               detail={"kind": found.kind, "by": "email link"})
    return found


def pain_link(uow: UnitOfWork, token: str, now: dt.datetime | None = None) -> ReminderLink:
    """The live, unused pain link ``token`` opens; LinkError otherwise."""
    now = now or dt.datetime.now(dt.UTC)
    found = ReminderRepository(uow.connection).link(_hash(token), "pain")
    if found is None or found.used_at is not None or found.expires_at <= now \
            or found.day is None:
        raise LinkError(PAIN_EXPIRED)
    return found


def parse_pain(raw: str | None) -> int:
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and int(text) in PAIN_SCORES):
        raise InputError("pain", raw or "", "accepted: a whole number from 0 to 10")
    return int(text)


def record_pain(ctx: Context, uow: UnitOfWork, token: str, pain: int,
                now: dt.datetime | None = None) -> tuple[ReminderLink, str]:
    """Records the morning pain for the link's session, once (the link is used up, and so
    is a second tap); the person's key too."""
    now = now or dt.datetime.now(dt.UTC)
    found = pain_link(uow, token, now)
    account = uow.accounts.by_id(found.account_id)
    if account is None or account.person_key is None or found.day is None:
        raise LinkError(PAIN_EXPIRED)
    key = account.person_key
    history = uow.people.get(key)
    if any(s.date == found.day and s.pain_next_morning is not None for s in history.sessions):
        raise LinkError("Your morning pain for that session is already recorded. Open Anklet "
                        "to see it or change it.")
    if not ReminderRepository(uow.connection).use_link(found.id, now):
        raise LinkError(PAIN_EXPIRED)
    try:
        records.update_morning_pain(uow, key=key, date=found.day, pain=pain)
    except NotFoundError:
        raise LinkError("The session this link is for is no longer in your log.") from None
    evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="morning_pain_by_link",
                       person_key=key, detail={"date": found.day.isoformat(), "pain": pain})
    return found, key


__all__ = ["DAY_PLAN", "KINDS", "LATE", "MORNING_PAIN", "WEEKLY_SUMMARY", "Choice",
           "FormResult", "Prepared", "choice_of", "day_plan_alarm", "due_at", "due_day", "is_reminder",
           "kinds_for", "outbox_key", "pain_link", "parse_pain", "prepare", "queue_due",
           "read_form", "record_pain", "save", "settings_for", "stop", "stop_link", "zone"]
