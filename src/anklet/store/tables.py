"""The database tables: one row per person, one table per kind of record.

Every record table hangs off ``people`` with ``ON DELETE CASCADE`` (and the
matching ORM cascade), so deleting a person deletes everything about them.
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
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
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
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column, relationship

__all__ = [
    "AccountRow",
    "ApiTokenRow",
    "AuditRow",
    "AvailabilityRow",
    "Base",
    "CalendarFeedRow",
    "CoachingRow",
    "DecisionRow",
    "FootObservationRow",
    "IntakeRow",
    "MeasurementRow",
    "OverrideRow",
    "PersonRow",
    "PlanChangeRow",
    "PlannedRunRow",
    "QuestionnaireResponseRow",
    "RecordedActivityRow",
    "ScreeningRow",
    "SessionRow",
    "SignInAttemptRow",
    "UTCDateTime",
    "WebSessionRow",
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


class Base(DeclarativeBase):
    """Declarative base holding the shared :data:`metadata`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _pain(column: str, *, nullable: bool = True) -> CheckConstraint:
    rule = f"{column} BETWEEN 0 AND {PAIN_MAX}"
    return CheckConstraint(f"{column} IS NULL OR {rule}" if nullable else rule, name=column)


def _range(column: str, low: int, high: int, *, nullable: bool = True) -> CheckConstraint:
    rule = f"{column} BETWEEN {low} AND {high}"
    return CheckConstraint(f"{column} IS NULL OR {rule}" if nullable else rule, name=column)


def _side(column: str, *, both: bool = False) -> CheckConstraint:
    allowed = "('left', 'right', 'both')" if both else SIDES_SQL
    return CheckConstraint(f"{column} IN {allowed}", name=column)


def _person_fk() -> MappedColumn[int]:
    return mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class PersonRow(Base):
    """A person; ``key`` is the short id people type (``Person.id`` in the domain)."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(f"dominant_side IS NULL OR dominant_side IN {SIDES_SQL}",
                        name="dominant_side"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    created: Mapped[dt.date | None] = mapped_column(Date)
    dominant_side: Mapped[str | None] = mapped_column(String(5))

    intake: Mapped[IntakeRow | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    screenings: Mapped[list[ScreeningRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    measurements: Mapped[list[MeasurementRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    foot_observations: Mapped[list[FootObservationRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    sessions: Mapped[list[SessionRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    availability: Mapped[AvailabilityRow | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    planned_runs: Mapped[list[PlannedRunRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    recorded_activities: Mapped[list[RecordedActivityRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    questionnaire_responses: Mapped[list[QuestionnaireResponseRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    overrides: Mapped[list[OverrideRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)
    decision: Mapped[DecisionRow | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)


class IntakeRow(Base):
    """The intake questionnaire: one per person, with the history of each side."""

    __tablename__ = "intakes"
    __table_args__ = (
        _range("left_sprains", 0, 100, nullable=False),
        _range("right_sprains", 0, 100, nullable=False),
        _range("age", 5, 110),
        CheckConstraint("sex IS NULL OR sex IN ('female', 'male')", name="sex"),
        _range("falls_12m", 0, 100),
        _range("fear_of_falling", 0, 10),
    )

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    goals: Mapped[list[str]] = mapped_column(JSON)
    activities: Mapped[list[str]] = mapped_column(JSON)
    left_sprains: Mapped[int] = mapped_column(Integer)
    left_last_sprain: Mapped[dt.date | None] = mapped_column(Date)
    left_surgery: Mapped[bool] = mapped_column(Boolean)
    left_surgery_date: Mapped[dt.date | None] = mapped_column(Date)
    right_sprains: Mapped[int] = mapped_column(Integer)
    right_last_sprain: Mapped[dt.date | None] = mapped_column(Date)
    right_surgery: Mapped[bool] = mapped_column(Boolean)
    right_surgery_date: Mapped[dt.date | None] = mapped_column(Date)
    age: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(6))
    falls_12m: Mapped[int | None] = mapped_column(Integer)
    fear_of_falling: Mapped[int | None] = mapped_column(Integer)
    # a list that may grow, like the measurement kinds: checked by the domain only
    goal_type: Mapped[str | None] = mapped_column(String(40))

    person: Mapped[PersonRow] = relationship(back_populates="intake")


class ScreeningRow(Base):
    """A dated symptom check per side, with the red-flag answers (a screen) or without any
    (a check-in: ``kind`` 'check_in')."""

    __tablename__ = "screenings"
    __table_args__ = (
        CheckConstraint("kind IN ('screen', 'check_in')", name="kind"),
        _pain("left_pain_rest", nullable=False),
        _pain("left_pain_activity", nullable=False),
        _pain("right_pain_rest", nullable=False),
        _pain("right_pain_activity", nullable=False),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), server_default=text("'screen'"))
    left_pain_rest: Mapped[int] = mapped_column(Integer)
    left_pain_activity: Mapped[int] = mapped_column(Integer)
    left_swelling: Mapped[bool] = mapped_column(Boolean)
    left_giving_way: Mapped[bool] = mapped_column(Boolean)
    right_pain_rest: Mapped[int] = mapped_column(Integer)
    right_pain_activity: Mapped[int] = mapped_column(Integer)
    right_swelling: Mapped[bool] = mapped_column(Boolean)
    right_giving_way: Mapped[bool] = mapped_column(Boolean)
    red_flags: Mapped[dict[str, bool]] = mapped_column(JSON)

    person: Mapped[PersonRow] = relationship(back_populates="screenings")


class MeasurementRow(Base):
    """One measured value on one side on one day."""

    __tablename__ = "measurements"
    __table_args__ = (
        _side("side"),
        _pain("pain"),
        Index(None, "person_id", "kind", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Indexed by (person_id, kind, date) above; that index serves person_id lookups too.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    side: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    method: Mapped[str | None] = mapped_column(String(20))
    pain: Mapped[int | None] = mapped_column(Integer)
    leg_length_cm: Mapped[float | None] = mapped_column(Float)
    rater: Mapped[str | None] = mapped_column(String(80))
    notes: Mapped[str | None] = mapped_column(Text)

    person: Mapped[PersonRow] = relationship(back_populates="measurements")


class FootObservationRow(Base):
    """A dated observation of foot posture and arch shape on one side."""

    __tablename__ = "foot_observations"
    __table_args__ = (_side("side"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    date: Mapped[dt.date] = mapped_column(Date)
    side: Mapped[str] = mapped_column(String(5))
    posture: Mapped[str] = mapped_column(String(20))
    arch: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)

    person: Mapped[PersonRow] = relationship(back_populates="foot_observations")


class SessionRow(Base):
    """One exercise session as done, with exertion and pain around it."""

    __tablename__ = "sessions"
    __table_args__ = (
        _range("rpe", 0, 10),
        _pain("pain_before"),
        _pain("pain_during", nullable=False),
        _pain("pain_next_morning"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    date: Mapped[dt.date] = mapped_column(Date)
    rpe: Mapped[int | None] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_during: Mapped[int] = mapped_column(Integer)
    pain_next_morning: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    exercises: Mapped[list[dict[str, Any]]] = mapped_column(JSON, server_default=text("'[]'"))
    """The exercises done, in the order logged: objects with ``exercise_id`` and ``side`` and,
    where given, ``sets``, ``reps``, ``seconds``, ``load_kg`` and ``rounds`` (always read
    and written with their session, never queried on their own: see migration 0005)."""
    gait_off: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """The person felt their gait was off that day (migration 0007: older rows read false)."""

    person: Mapped[PersonRow] = relationship(back_populates="sessions")


WEEKDAY_COLUMNS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AvailabilityRow(Base):
    """Minutes a person can give on each weekday (one row per person)."""

    __tablename__ = "availability"
    __table_args__ = tuple(_range(day, 0, 240, nullable=False) for day in WEEKDAY_COLUMNS)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    mon: Mapped[int] = mapped_column(Integer)
    tue: Mapped[int] = mapped_column(Integer)
    wed: Mapped[int] = mapped_column(Integer)
    thu: Mapped[int] = mapped_column(Integer)
    fri: Mapped[int] = mapped_column(Integer)
    sat: Mapped[int] = mapped_column(Integer)
    sun: Mapped[int] = mapped_column(Integer)

    person: Mapped[PersonRow] = relationship(back_populates="availability")


class PlannedRunRow(Base):
    """A run in the person's calendar that the plan works around."""

    __tablename__ = "planned_runs"
    __table_args__ = (_range("minutes", 1, 1440),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(200))
    calendar: Mapped[str | None] = mapped_column(String(200))
    """The calendar it was imported from; NULL when entered by hand."""
    event: Mapped[str | None] = mapped_column(String(300))
    """The calendar event (UID, and the date an occurrence recurs on) it stands for."""

    person: Mapped[PersonRow] = relationship(back_populates="planned_runs")


SPORTS_SQL = "('run', 'walk', 'ride', 'swim', 'other')"


class RecordedActivityRow(Base):
    """An activity imported from a watch or app file; the same file is stored once per person.

    Laps are a JSON list of ``{"duration_s", "distance_m"}``: they are always read with their
    activity and never queried on their own, so a table of their own would only add a join.
    """

    __tablename__ = "recorded_activities"
    __table_args__ = (
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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    utc_offset_min: Mapped[int | None] = mapped_column(Integer)
    sport: Mapped[str] = mapped_column(String(10))
    duration_s: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    laps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    cadence_spm: Mapped[float | None] = mapped_column(Float)
    cadence_sd: Mapped[float | None] = mapped_column(Float)
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[PersonRow] = relationship(back_populates="recorded_activities")


class QuestionnaireResponseRow(Base):
    """One answered questionnaire (CAIT, FAAM, readiness check) with its answers.

    ``answers`` is a JSON object of item id → option id, in item order: the answers are
    stored, never the totals, so every score is recomputed from them with the instrument
    data of the day. They are always read with their response and never queried one by one,
    so a table of their own would only add a join. Which items and options exist is checked
    by the domain (like measurement kinds), so changing an instrument file needs no migration.
    """

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        CheckConstraint(f"side IS NULL OR side IN {SIDES_SQL}", name="side"),
        Index(None, "person_id", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Indexed by (person_id, date) above; that index serves person_id lookups too.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    instrument: Mapped[str] = mapped_column(String(20))
    side: Mapped[str | None] = mapped_column(String(5))
    answers: Mapped[dict[str, str]] = mapped_column(JSON)

    person: Mapped[PersonRow] = relationship(back_populates="questionnaire_responses")


class DecisionRow(Base):
    """The current decision for a person (replaced on each evaluation)."""

    __tablename__ = "decisions"
    __table_args__ = (CheckConstraint("stage IS NULL OR stage >= 0", name="stage"),)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    evaluated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    as_of: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40))
    clear_to_train: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)

    person: Mapped[PersonRow] = relationship(back_populates="decision")


class OverrideRow(Base):
    """A coach put the person in a stage by hand, with a reason (part of the history)."""

    __tablename__ = "overrides"
    __table_args__ = (CheckConstraint("stage >= 1", name="stage"),
                      Index(None, "person_id", "date"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(254))

    person: Mapped[PersonRow] = relationship(back_populates="overrides")


PLAN_CHANGE_KINDS_SQL = "('swap', 'remove', 'add', 'pin')"


class PlanChangeRow(Base):
    """A coach's change to one person's plan (part of the history): a swap, a removal, an
    addition or a pinned dose, with who made it, when and why. Ending it keeps the row
    (``active`` false, ``ended`` the day), so the history still shows it."""

    __tablename__ = "plan_changes"
    __table_args__ = (CheckConstraint(f"kind IN {PLAN_CHANGE_KINDS_SQL}", name="kind"),
                      Index(None, "person_id", "date"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(10))
    exercise: Mapped[str] = mapped_column(String(80))
    replacement: Mapped[str | None] = mapped_column(String(80))
    sets: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean)
    ended: Mapped[dt.date | None] = mapped_column(Date)


# -- accounts: who may sign in, and whom they may see ----------------------------------------

ROLES_SQL = "('coach', 'client', 'self')"


class AccountRow(Base):
    """Someone who signs in: a coach, a coach's client, or a self-coached person.

    A client or self-coached account is linked to its own person (``person_id``); a coach
    reaches people through ``coaching``. Signed-in browsers are rows of ``web_sessions``
    (since 0008); ``session_version`` is no longer read (it was part of the old cookies) and
    stays only so that the accounts table, which four tables refer to, needs no rebuild.
    ``must_change_password``: signed in with a password someone else chose (a coach's
    one-time password), so the only page open to them is "choose your own password".
    """

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint(f"role IN {ROLES_SQL}", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), unique=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # a self sign-up made while email works confirms its address with a link first (0012);
    # every other account (made by a coach, the CLI, or before) counts as confirmed
    email_confirmed: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # a coach is emailed when a client gets a red flag, a flare, a step back or a "see a
    # clinician" (0012); they can turn it off on their account page
    alert_emails: Mapped[bool] = mapped_column(Boolean, server_default=true())


class WebSessionRow(Base):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is kept here,
    so a copy of the database opens no session. Deleting the row signs that browser out."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class CoachingRow(Base):
    """Which coach looks after a person (at most one)."""

    __tablename__ = "coaching"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                          index=True)


class ApiTokenRow(Base):
    """A token for the JSON API; only its SHA-256 is kept (the token is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CalendarFeedRow(Base):
    """The secret address of a person's calendar feed; replaced to revoke the old one. Only
    the SHA-256 of the address's token is kept (since 0008), as for API tokens."""

    __tablename__ = "calendar_feeds"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MailTokenRow(Base):
    """A link sent by email (or shown to a coach when there is no email): a password reset
    or an invitation. Only the SHA-256 of the link's token is kept; ``used_at`` makes it
    single-use and ``expires_at`` ends it."""

    __tablename__ = "mail_tokens"
    __table_args__ = (CheckConstraint("purpose IN ('reset', 'invite', 'confirm')", name="purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SignInAttemptRow(Base):
    """Failed sign-ins, counted per account and per address to slow down guessing."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index(None, "email", "at"), Index(None, "address", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditRow(Base):
    """Who did what and when: overrides, deletions, account and token changes.

    The person is kept by id and by key in ``detail``, so the entry outlives a deleted person.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "person_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


metadata = Base.metadata
"""All tables; what Alembic compares the migrations against."""

people = cast(Table, PersonRow.__table__)
intakes = cast(Table, IntakeRow.__table__)
screenings = cast(Table, ScreeningRow.__table__)
measurements = cast(Table, MeasurementRow.__table__)
foot_observations = cast(Table, FootObservationRow.__table__)
sessions = cast(Table, SessionRow.__table__)
availability = cast(Table, AvailabilityRow.__table__)
planned_runs = cast(Table, PlannedRunRow.__table__)
recorded_activities = cast(Table, RecordedActivityRow.__table__)
questionnaire_responses = cast(Table, QuestionnaireResponseRow.__table__)
decisions = cast(Table, DecisionRow.__table__)
overrides = cast(Table, OverrideRow.__table__)
class OutboxRow(Base):
    """An email waiting to be sent (alerts to coaches), written in the same transaction as
    what caused it. ``key`` makes each one unique (the same alert is never queued twice);
    a sender claims a row (``claimed_at``) before sending, so several workers or a cron job
    beside the server send it once."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    template: Mapped[str] = mapped_column(String(40))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


class ReminderRow(Base):
    """A reminder an account chose (0013): the day's plan, the next-morning pain question,
    or a coach's weekly summary; on which weekdays (``days``: Monday = 0, e.g. "01234"), at
    what local time (``at``: "HH:MM") in which IANA time zone. Sent through the outbox."""

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint("kind IN ('day_plan', 'morning_pain', 'weekly_summary')", name="kind"),
        UniqueConstraint("account_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean)
    days: Mapped[str] = mapped_column(String(7))
    at: Mapped[str] = mapped_column(String(5))
    time_zone: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ReminderLinkRow(Base):
    """A link in a reminder email (0013): ``stop`` turns that kind of reminder off without
    signing in; ``pain`` records the morning pain for the session of ``day``, once. Only
    the SHA-256 of the link's token is kept."""

    __tablename__ = "reminder_links"
    __table_args__ = (CheckConstraint("purpose IN ('stop', 'pain')", name="purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(10))
    day: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


plan_changes = cast(Table, PlanChangeRow.__table__)
accounts = cast(Table, AccountRow.__table__)
coaching = cast(Table, CoachingRow.__table__)
api_tokens = cast(Table, ApiTokenRow.__table__)
calendar_feeds = cast(Table, CalendarFeedRow.__table__)
sign_in_attempts = cast(Table, SignInAttemptRow.__table__)
mail_tokens = cast(Table, MailTokenRow.__table__)
outbox = cast(Table, OutboxRow.__table__)
reminders = cast(Table, ReminderRow.__table__)
reminder_links = cast(Table, ReminderLinkRow.__table__)
audit_log = cast(Table, AuditRow.__table__)
web_sessions = cast(Table, WebSessionRow.__table__)


class MessageRow(Base):
    """A message in a person's thread with their coach; with ``session_id``, a comment on
    one logged session (migration 0014). The author's role and name are kept with it, so the
    thread still reads right after an account is deleted or the history is imported
    elsewhere; a deleted session leaves its comments in the thread as plain messages."""

    __tablename__ = "messages"
    __table_args__ = (CheckConstraint("author_role IN ('coach', 'client')", name="author_role"),
                      Index(None, "person_id", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    author_role: Mapped[str] = mapped_column(String(6))
    author_name: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True)


class MessageReadRow(Base):
    """How far an account has read a person's thread: the last message id it has seen."""

    __tablename__ = "message_reads"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True, index=True)
    last_read_id: Mapped[int] = mapped_column(Integer)


messages = cast(Table, MessageRow.__table__)
message_reads = cast(Table, MessageReadRow.__table__)


class ExerciseMediaRow(Base):
    """A coach's own photo, short video or link for one library exercise (0015), shown to
    the coach's clients; a self-coached person's, to themself. ``owner_id`` is the coach
    (or self-coached) account: deleting it deletes its media. A photo or video keeps its
    bytes here (``data``, already checked and, for a photo, re-encoded without its
    metadata), so an upload is stored, replaced or refused in one transaction; a link keeps
    only its ``url``. ``version`` grows on each replacement (the file's address carries it,
    so a browser never shows the old one)."""

    __tablename__ = "exercise_media"
    __table_args__ = (
        CheckConstraint("kind IN ('photo', 'video', 'link')", name="kind"),
        CheckConstraint("(kind = 'link' AND url IS NOT NULL AND data IS NULL) OR "
                        "(kind <> 'link' AND url IS NULL AND data IS NOT NULL)", name="content"),
        Index(None, "owner_id", "exercise_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    exercise_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(5))
    caption: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(40))
    filename: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer, server_default="0")
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


exercise_media = cast(Table, ExerciseMediaRow.__table__)


class SessionKeyRow(Base):
    """An idempotency key a person's session was sent with (0016): a phone that logged a
    session offline sends it again until it gets an answer, and a repeat of the key stores
    nothing new. ``fingerprint`` is the SHA-256 of what was sent (the same key with other
    details is refused); ``session_id`` is the session it made (NULL once that is deleted:
    the key still answers "already received")."""

    __tablename__ = "session_keys"
    __table_args__ = (UniqueConstraint("person_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


session_keys = cast(Table, SessionKeyRow.__table__)
