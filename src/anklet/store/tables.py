"""The database tables: one row per person, one table per kind of record.

Every record table hangs off ``people`` with ``ON DELETE CASCADE``, so deleting a person
deletes everything about them. These are plain SQLAlchemy Core tables: the store reads and
writes them with Core statements only (no ORM classes, whose import and set-up cost every
command a tenth of a second).
CHECK constraints repeat the cheap range rules of the domain as a second line
of defence; the lists that grow (measurement kinds, methods) and what is kept
in JSON columns (a session's exercises, an activity's laps) are checked by the
domain only, so adding a kind needs no migration. Constraint names follow one naming
convention so that migrations can refer to them.

Change a table here, then add an Alembic revision under ``migrations/versions``
(``tests/integration/store/test_migrations.py`` fails until they agree).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)

__all__ = [
    "UTCDateTime",
    "accounts",
    "api_tokens",
    "audit_log",
    "availability",
    "calendar_feeds",
    "coaching",
    "decisions",
    "foot_observations",
    "intakes",
    "measurements",
    "metadata",
    "overrides",
    "people",
    "plan_changes",
    "planned_runs",
    "questionnaire_responses",
    "recorded_activities",
    "screenings",
    "sessions",
    "sign_in_attempts",
    "web_sessions",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PAIN_MAX = 10
SIDES_SQL = "('left', 'right')"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Store aware timestamps in UTC; naive ones are taken to be UTC already."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Give back an aware UTC timestamp."""
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


metadata = MetaData(naming_convention=NAMING_CONVENTION)
"""All tables; what Alembic compares the migrations against."""


def _pain(column: str, *, nullable: bool = True) -> CheckConstraint:
    rule = f"{column} BETWEEN 0 AND {PAIN_MAX}"
    return CheckConstraint(f"{column} IS NULL OR {rule}" if nullable else rule, name=column)


def _range(column: str, low: int, high: int, *, nullable: bool = True) -> CheckConstraint:
    rule = f"{column} BETWEEN {low} AND {high}"
    return CheckConstraint(f"{column} IS NULL OR {rule}" if nullable else rule, name=column)


def _side(column: str, *, both: bool = False) -> CheckConstraint:
    allowed = "('left', 'right', 'both')" if both else SIDES_SQL
    return CheckConstraint(f"{column} IN {allowed}", name=column)


people = Table(
    "people", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), unique=True, nullable=False),
    Column("name", String(120), nullable=False),
    Column("created", Date),
    Column("dominant_side", String(5)),
    CheckConstraint(f"dominant_side IS NULL OR dominant_side IN {SIDES_SQL}",
                    name="dominant_side"),
)
"""A person; ``key`` is the short id people type (``Person.id`` in the domain)."""


intakes = Table(
    "intakes", metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("date", Date, nullable=False),
    Column("goals", JSON, nullable=False),
    Column("activities", JSON, nullable=False),
    Column("left_sprains", Integer, nullable=False),
    Column("left_last_sprain", Date),
    Column("left_surgery", Boolean, nullable=False),
    Column("left_surgery_date", Date),
    Column("right_sprains", Integer, nullable=False),
    Column("right_last_sprain", Date),
    Column("right_surgery", Boolean, nullable=False),
    Column("right_surgery_date", Date),
    Column("age", Integer),
    Column("sex", String(6)),
    Column("falls_12m", Integer),
    # a list that may grow, like the measurement kinds: checked by the domain only
    Column("fear_of_falling", Integer),
    Column("goal_type", String(40)),
    _range("left_sprains", 0, 100, nullable=False),
    _range("right_sprains", 0, 100, nullable=False),
    _range("age", 5, 110),
    CheckConstraint("sex IS NULL OR sex IN ('female', 'male')", name="sex"),
    _range("falls_12m", 0, 100),
    _range("fear_of_falling", 0, 10),
)
"""The intake questionnaire: one per person, with the history of each side."""


screenings = Table(
    "screenings", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("date", Date, nullable=False),
    Column("kind", String(10), server_default=text("'screen'"), nullable=False),
    Column("left_pain_rest", Integer, nullable=False),
    Column("left_pain_activity", Integer, nullable=False),
    Column("left_swelling", Boolean, nullable=False),
    Column("left_giving_way", Boolean, nullable=False),
    Column("right_pain_rest", Integer, nullable=False),
    Column("right_pain_activity", Integer, nullable=False),
    Column("right_swelling", Boolean, nullable=False),
    Column("right_giving_way", Boolean, nullable=False),
    Column("red_flags", JSON, nullable=False),
    CheckConstraint("kind IN ('screen', 'check_in')", name="kind"),
    _pain("left_pain_rest", nullable=False),
    _pain("left_pain_activity", nullable=False),
    _pain("right_pain_rest", nullable=False),
    _pain("right_pain_activity", nullable=False),
)
"""A dated symptom check per side, with the red-flag answers (a screen) or without any
(a check-in: ``kind`` 'check_in')."""


measurements = Table(
    "measurements", metadata,
    # Indexed by (person_id, kind, date) below; that index serves person_id lookups too.
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False),
    Column("side", String(5), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("value", Float, nullable=False),
    Column("method", String(20)),
    Column("pain", Integer),
    Column("leg_length_cm", Float),
    Column("rater", String(80)),
    Column("notes", Text),
    _side("side"),
    _pain("pain"),
    Index(None, "person_id", "kind", "date"),
)
"""One measured value on one side on one day."""


foot_observations = Table(
    "foot_observations", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("date", Date, nullable=False),
    Column("side", String(5), nullable=False),
    Column("posture", String(20), nullable=False),
    Column("arch", String(20), nullable=False),
    Column("notes", Text),
    _side("side"),
)
"""A dated observation of foot posture and arch shape on one side."""


sessions = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("date", Date, nullable=False),
    Column("rpe", Integer),
    Column("pain_before", Integer),
    Column("pain_during", Integer, nullable=False),
    Column("pain_next_morning", Integer),
    Column("notes", Text),
    # The exercises done, in the order logged: objects with ``exercise_id`` and ``side`` and, where
    # given, ``sets``, ``reps``, ``seconds``, ``load_kg`` and ``rounds`` (always read and written with
    # their session, never queried on their own: see migration 0005).
    Column("exercises", JSON, server_default=text("'[]'"), nullable=False),
    # The person felt their gait was off that day (migration 0007: older rows read false).
    Column("gait_off", Boolean, server_default=false(), nullable=False),
    _range("rpe", 0, 10),
    _pain("pain_before"),
    _pain("pain_during", nullable=False),
    _pain("pain_next_morning"),
)
"""One exercise session as done, with exertion and pain around it."""
WEEKDAY_COLUMNS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


availability = Table(
    "availability", metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("mon", Integer, nullable=False),
    Column("tue", Integer, nullable=False),
    Column("wed", Integer, nullable=False),
    Column("thu", Integer, nullable=False),
    Column("fri", Integer, nullable=False),
    Column("sat", Integer, nullable=False),
    Column("sun", Integer, nullable=False),
    *tuple(_range(day, 0, 240, nullable=False) for day in WEEKDAY_COLUMNS),
)
"""Minutes a person can give on each weekday (one row per person)."""


planned_runs = Table(
    "planned_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("date", Date, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("minutes", Integer),
    Column("title", String(200)),
    # The calendar it was imported from; NULL when entered by hand.
    Column("calendar", String(200)),
    # The calendar event (UID, and the date an occurrence recurs on) it stands for.
    Column("event", String(300)),
    _range("minutes", 1, 1440),
)
"""A run in the person's calendar that the plan works around."""
SPORTS_SQL = "('run', 'walk', 'ride', 'swim', 'other')"


recorded_activities = Table(
    "recorded_activities", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("utc_offset_min", Integer),
    Column("sport", String(10), nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("distance_m", Float),
    Column("laps", JSON, nullable=False),
    Column("cadence_spm", Float),
    Column("cadence_sd", Float),
    Column("content_hash", String(64), nullable=False),
    Column("source", String(8), nullable=False),
    Column("name", String(200)),
    # one file once per person; the index also serves person_id look-ups and cascades
    UniqueConstraint("person_id", "content_hash"),
    CheckConstraint(f"sport IN {SPORTS_SQL}", name="sport"),
    CheckConstraint("source IN ('fit', 'gpx', 'tcx')", name="source"),
    CheckConstraint("duration_s > 0", name="duration_s"),
    CheckConstraint("distance_m IS NULL OR distance_m >= 0", name="distance_m"),
    CheckConstraint("cadence_spm IS NULL OR (cadence_spm > 0 AND cadence_spm <= 300)",
                    name="cadence_spm"),
    CheckConstraint("utc_offset_min IS NULL OR utc_offset_min BETWEEN -960 AND 960",
                    name="utc_offset_min"),
)
"""An activity imported from a watch or app file; the same file is stored once per person.

Laps are a JSON list of ``{"duration_s", "distance_m"}``: they are always read with their
activity and never queried on their own, so a table of their own would only add a join.
"""


questionnaire_responses = Table(
    "questionnaire_responses", metadata,
    # Indexed by (person_id, date) below; that index serves person_id lookups too.
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False),
    Column("instrument", String(20), nullable=False),
    Column("side", String(5)),
    Column("answers", JSON, nullable=False),
    CheckConstraint(f"side IS NULL OR side IN {SIDES_SQL}", name="side"),
    Index(None, "person_id", "date"),
)
"""One answered questionnaire (CAIT, FAAM, readiness check) with its answers.

``answers`` is a JSON object of item id → option id, in item order: the answers are
stored, never the totals, so every score is recomputed from them with the instrument
data of the day. They are always read with their response and never queried one by one,
so a table of their own would only add a join. Which items and options exist is checked
by the domain (like measurement kinds), so changing an instrument file needs no migration.
"""


decisions = Table(
    "decisions", metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("evaluated_at", UTCDateTime, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("stage", Integer),
    Column("status", String(40), nullable=False),
    Column("clear_to_train", Boolean, nullable=False),
    Column("summary", JSON, nullable=False),
    CheckConstraint("stage IS NULL OR stage >= 0", name="stage"),
)
"""The current decision for a person (replaced on each evaluation)."""


overrides = Table(
    "overrides", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False),
    Column("stage", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("by", String(254), nullable=False),
    CheckConstraint("stage >= 1", name="stage"),
    Index(None, "person_id", "date"),
)
"""A coach put the person in a stage by hand, with a reason (part of the history)."""
PLAN_CHANGE_KINDS_SQL = "('swap', 'remove', 'add', 'pin')"


plan_changes = Table(
    "plan_changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("exercise", String(80), nullable=False),
    Column("replacement", String(80)),
    Column("sets", Integer),
    Column("reps", Integer),
    Column("seconds", Integer),
    Column("note", Text, nullable=False),
    Column("author", String(254), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("ended", Date),
    CheckConstraint(f"kind IN {PLAN_CHANGE_KINDS_SQL}", name="kind"),
    Index(None, "person_id", "date"),
)
"""A coach's change to one person's plan (part of the history): a swap, a removal, an
addition or a pinned dose, with who made it, when and why. Ending it keeps the row
(``active`` false, ``ended`` the day), so the history still shows it."""
# -- accounts: who may sign in, and whom they may see ----------------------------------------

ROLES_SQL = "('coach', 'client', 'self')"


accounts = Table(
    "accounts", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), unique=True, nullable=False),
    Column("name", String(120), nullable=False),
    Column("role", String(10), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="SET NULL"), unique=True),
    Column("session_version", Integer, default=1, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # a self sign-up made while email works confirms its address with a link first (0012);
    # every other account (made by a coach, the CLI, or before) counts as confirmed
    Column("must_change_password", Boolean, server_default=false(), nullable=False),
    # a coach is emailed when a client gets a red flag, a flare, a step back or a "see a
    # clinician" (0012); they can turn it off on their account page
    Column("email_confirmed", Boolean, server_default=true(), nullable=False),
    Column("alert_emails", Boolean, server_default=true(), nullable=False),
    # the person's IANA time zone ("Europe/Berlin"), for the web's "today" (0017); NULL: not
    # known yet, the server's date is used
    Column("time_zone", String(64)),
    CheckConstraint(f"role IN {ROLES_SQL}", name="role"),
)
"""Someone who signs in: a coach, a coach's client, or a self-coached person.

A client or self-coached account is linked to its own person (``person_id``); a coach
reaches people through ``coaching``. Signed-in browsers are rows of ``web_sessions``
(since 0008); ``session_version`` is no longer read (it was part of the old cookies) and
stays only so that the accounts table, which four tables refer to, needs no rebuild.
``must_change_password``: signed in with a password someone else chose (a coach's
one-time password), so the only page open to them is "choose your own password".
"""


web_sessions = Table(
    "web_sessions", metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the token
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, index=True, nullable=False),
)
"""A signed-in browser. The cookie carries a random token; only its SHA-256 is kept here,
so a copy of the database opens no session. Deleting the row signs that browser out."""


coaching = Table(
    "coaching", metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("coach_id", ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=False),
)
"""Which coach looks after a person (at most one)."""


api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("name", String(80), nullable=False),
    Column("token_hash", String(64), unique=True, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
)
"""A token for the JSON API; only its SHA-256 is kept (the token is shown once)."""


calendar_feeds = Table(
    "calendar_feeds", metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("token_hash", String(64), unique=True, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
"""The secret address of a person's calendar feed; replaced to revoke the old one. Only
the SHA-256 of the address's token is kept (since 0008), as for API tokens."""


mail_tokens = Table(
    "mail_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), unique=True, nullable=False),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("purpose", String(10), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    CheckConstraint("purpose IN ('reset', 'invite', 'confirm')", name="purpose"),
)
"""A link sent by email (or shown to a coach when there is no email): a password reset
or an invitation. Only the SHA-256 of the link's token is kept; ``used_at`` makes it
single-use and ``expires_at`` ends it."""


sign_in_attempts = Table(
    "sign_in_attempts", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index(None, "email", "at"), Index(None, "address", "at"),
)
"""Failed sign-ins, counted per account and per address to slow down guessing."""


audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("account_id",  ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("actor", String(254), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("action", String(40), nullable=False),
    Column("detail", JSON, nullable=False),
    Index(None, "person_id", "at"),
)
"""Who did what and when: overrides, deletions, account and token changes.

The person is kept by id and by key in ``detail``, so the entry outlives a deleted person.
"""


outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), unique=True, nullable=False),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("template", String(40), nullable=False),
    Column("values", JSON, nullable=False),
    Column("created_at", UTCDateTime, index=True, nullable=False),
    Column("claimed_at", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("attempts", Integer, server_default="0", nullable=False),
    Column("last_error", Text),
)
"""An email waiting to be sent (alerts to coaches), written in the same transaction as
what caused it. ``key`` makes each one unique (the same alert is never queued twice);
a sender claims a row (``claimed_at``) before sending, so several workers or a cron job
beside the server send it once."""


reminders = Table(
    "reminders", metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("days", String(7), nullable=False),
    Column("at", String(5), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('day_plan', 'morning_pain', 'weekly_summary')", name="kind"),
    UniqueConstraint("account_id", "kind"),
)
"""A reminder an account chose (0013): the day's plan, the next-morning pain question,
or a coach's weekly summary; on which weekdays (``days``: Monday = 0, e.g. "01234"), at
what local time (``at``: "HH:MM") in which IANA time zone. Sent through the outbox."""


reminder_links = Table(
    "reminder_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), unique=True, nullable=False),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("purpose", String(10), nullable=False),
    Column("day", Date),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, index=True, nullable=False),
    Column("used_at", UTCDateTime),
    CheckConstraint("purpose IN ('stop', 'pain')", name="purpose"),
)
"""A link in a reminder email (0013): ``stop`` turns that kind of reminder off without
signing in; ``pain`` records the morning pain for the session of ``day``, once. Only
the SHA-256 of the link's token is kept."""


messages = Table(
    "messages", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("author_id",  ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("author_role", String(6), nullable=False),
    Column("author_name", String(120), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("session_id",  ForeignKey("sessions.id", ondelete="SET NULL"), index=True),
    CheckConstraint("author_role IN ('coach', 'client')", name="author_role"),
    Index(None, "person_id", "id"),
)
"""A message in a person's thread with their coach; with ``session_id``, a comment on
one logged session (migration 0014). The author's role and name are kept with it, so the
thread still reads right after an account is deleted or the history is imported
elsewhere; a deleted session leaves its comments in the thread as plain messages."""


message_reads = Table(
    "message_reads", metadata,
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("last_read_id", Integer, nullable=False),
)
"""How far an account has read a person's thread: the last message id it has seen."""


exercise_media = Table(
    "exercise_media", metadata,
    Column("id", Integer, primary_key=True),
    Column("owner_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("exercise_id", String(80), nullable=False),
    Column("kind", String(5), nullable=False),
    Column("caption", String(200), nullable=False),
    Column("url", Text),
    Column("content_type", String(40)),
    Column("filename", String(120)),
    Column("size", Integer, server_default="0", nullable=False),
    Column("width", Integer),
    Column("height", Integer),
    Column("data", LargeBinary),
    Column("version", Integer, server_default="1", nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('photo', 'video', 'link')", name="kind"),
    CheckConstraint("(kind = 'link' AND url IS NOT NULL AND data IS NULL) OR "
    "(kind <> 'link' AND url IS NULL AND data IS NOT NULL)", name="content"),
    Index(None, "owner_id", "exercise_id"),
)
"""A coach's own photo, short video or link for one library exercise (0015), shown to
the coach's clients; a self-coached person's, to themself. ``owner_id`` is the coach
(or self-coached) account: deleting it deletes its media. A photo or video keeps its
bytes here (``data``, already checked and, for a photo, re-encoded without its
metadata), so an upload is stored, replaced or refused in one transaction; a link keeps
only its ``url``. ``version`` grows on each replacement (the file's address carries it,
so a browser never shows the old one)."""


session_keys = Table(
    "session_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("session_id",  ForeignKey("sessions.id", ondelete="SET NULL"), index=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("person_id", "key"),
)
"""An idempotency key a person's session was sent with (0016): a phone that logged a
session offline sends it again until it gets an answer, and a repeat of the key stores
nothing new. ``fingerprint`` is the SHA-256 of what was sent (the same key with other
details is refused); ``session_id`` is the session it made (NULL once that is deleted:
the key still answers "already received")."""
