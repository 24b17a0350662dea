"""The Alembic migrations build exactly the tables that ``tables.py`` declares."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from anklet.domain.history import Sport
from anklet.domain.units import Side
from anklet.services import accounts as account_service
from anklet.store import tables as t
from anklet.store.db import MIGRATIONS_DIR, alembic_config, migrate
from anklet.store.uow import UnitOfWork


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, t.metadata))


def test_migrated_database_matches_tables(engine: Engine) -> None:
    assert _diff(engine) == []


def test_migrated_database_is_at_the_single_head(engine: Engine) -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == tuple(heads)


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    _downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert _diff(engine) == []


def test_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert list((MIGRATIONS_DIR / "versions").glob("0001_*.py"))


def _downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


# Logged exercises as revision 0004 kept them, one row each: (session, position, exercise,
# side, sets, reps, seconds, load_kg, rounds). Positions are inserted out of order on
# purpose; session 3 has none.
_OLD_ROWS = [
    (1, 1, "toe-elevated-rdl", "both", 3, 8, None, 42.5, None),
    (1, 0, "calf-release", "left", None, None, 60, None, None),
    (1, 2, "ladder-two-in", "both", None, None, None, None, 4),
    (2, 0, "calf-release", "right", 1, 0, 0, 0.0, 0),
]


def _at_0004_with_sessions(engine: Engine) -> None:
    _downgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO people (id, key, name, created) "
                          "VALUES (1, 'ada', 'Ada', '2026-11-02')"))
        for sid in (1, 2, 3):
            conn.execute(text("INSERT INTO sessions (id, person_id, date, pain_during) "
                              "VALUES (:id, 1, :date, 1)"), {"id": sid, "date": f"2026-11-0{sid + 2}"})
        conn.execute(text(
            "INSERT INTO session_exercises (session_id, position, exercise_id, side, sets, reps, "
            "seconds, load_kg, rounds) VALUES (:s, :p, :e, :side, :sets, :reps, :sec, :kg, :r)"),
            [dict(zip(("s", "p", "e", "side", "sets", "reps", "sec", "kg", "r"), row,
                      strict=True)) for row in _OLD_ROWS])


def test_upgrade_moves_each_sessions_exercises_into_it_in_order(engine: Engine) -> None:
    _at_0004_with_sessions(engine)
    migrate(engine)
    assert "session_exercises" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        stored = dict(conn.execute(select(t.sessions.c.id, t.sessions.c.exercises)
                                   .order_by(t.sessions.c.id)).all())
    assert stored == {
        1: [{"exercise_id": "calf-release", "side": "left", "seconds": 60},
            {"exercise_id": "toe-elevated-rdl", "side": "both", "sets": 3, "reps": 8,
             "load_kg": 42.5},
            {"exercise_id": "ladder-two-in", "side": "both", "rounds": 4}],
        # zeros are values, not absences
        2: [{"exercise_id": "calf-release", "side": "right", "sets": 1, "reps": 0,
             "seconds": 0, "load_kg": 0.0, "rounds": 0}],
        3: [],
    }
    # and the repository reads them as the logs they were
    with UnitOfWork(engine) as uow:
        first = uow.people.get("ada").sessions[0]
    assert [(e.exercise_id, e.side, e.sets, e.reps, e.seconds, e.load_kg, e.rounds)
            for e in first.exercises] == [
        ("calf-release", Side.LEFT, None, None, 60, None, None),
        ("toe-elevated-rdl", "both", 3, 8, None, 42.5, None),
        ("ladder-two-in", "both", None, None, None, None, 4)]
    assert _diff(engine) == []


def test_downgrade_gives_the_exercises_their_table_back(engine: Engine) -> None:
    _at_0004_with_sessions(engine)
    migrate(engine)
    _downgrade(engine, "0004")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT session_id, position, exercise_id, side, sets, reps, seconds, load_kg, "
            "rounds FROM session_exercises ORDER BY session_id, position")).all()
        columns = {c["name"] for c in inspect(conn).get_columns("sessions")}
    assert [tuple(r) for r in rows] == sorted(_OLD_ROWS)
    assert "exercises" not in columns


def _at_0005_with_screenings(engine: Engine) -> None:
    _downgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO people (id, key, name, created) "
                          "VALUES (1, 'ada', 'Ada', '2026-11-02')"))
        conn.execute(text(
            "INSERT INTO intakes (person_id, date, goals, activities, left_sprains, left_surgery, "
            "right_sprains, right_surgery) VALUES (1, '2026-11-02', '[]', '[\"running\"]', 1, "
            "false, 0, false)"))
        conn.execute(text(
            "INSERT INTO screenings (person_id, date, left_pain_rest, left_pain_activity, "
            "left_swelling, left_giving_way, right_pain_rest, right_pain_activity, "
            "right_swelling, right_giving_way, red_flags) VALUES (1, '2026-11-02', 1, 2, false, "
            "true, 0, 0, false, false, '{\"night_pain\": true}')"))


def test_upgrade_to_0006_makes_old_screenings_screens_and_leaves_the_profile_empty(
        engine: Engine) -> None:
    _at_0005_with_screenings(engine)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        h = uow.people.get("ada")
    assert [s.kind for s in h.screenings] == ["screen"]
    assert h.screenings[0].red_flags == {"night_pain": True}
    assert h.intake is not None
    assert (h.intake.age, h.intake.sex, h.intake.falls_12m, h.intake.fear_of_falling,
            h.intake.goal_type) == (None, None, None, None, None)
    assert _diff(engine) == []


@pytest.mark.parametrize(("table", "column", "value"), [
    ("intakes", "age", 4), ("intakes", "age", 111), ("intakes", "sex", "'other'"),
    ("intakes", "falls_12m", 101), ("intakes", "fear_of_falling", 11),
    ("intakes", "fear_of_falling", -1), ("screenings", "kind", "'quick'")])
def test_upgrade_to_0006_checks_the_new_columns(engine: Engine, table: str, column: str,
                                                value: object) -> None:
    _at_0005_with_screenings(engine)
    migrate(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = {value}"))


def test_downgrade_from_0006_drops_the_check_ins_and_keeps_the_screens(engine: Engine) -> None:
    _at_0005_with_screenings(engine)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO screenings (person_id, date, kind, left_pain_rest, left_pain_activity, "
            "left_swelling, left_giving_way, right_pain_rest, right_pain_activity, "
            "right_swelling, right_giving_way, red_flags) VALUES (1, '2026-11-09', 'check_in', "
            "0, 1, false, false, 0, 0, false, false, '{}')"))
        conn.execute(text("UPDATE intakes SET age = 40, sex = 'male', goal_type = 'runner'"))
    _downgrade(engine, "0005")
    with engine.connect() as conn:
        dates = conn.execute(text("SELECT date FROM screenings")).scalars().all()
        screening_columns = {c["name"] for c in inspect(conn).get_columns("screenings")}
        intake_columns = {c["name"] for c in inspect(conn).get_columns("intakes")}
        sprains = conn.execute(text("SELECT left_sprains FROM intakes")).scalar_one()
    assert [str(d) for d in dates] == ["2026-11-02"]
    assert "kind" not in screening_columns
    assert not intake_columns & {"age", "sex", "falls_12m", "fear_of_falling", "goal_type"}
    assert sprains == 1
    migrate(engine)
    assert _diff(engine) == []


def _at_0006_with_a_session(engine: Engine) -> None:
    _downgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO people (id, key, name, created) "
                          "VALUES (1, 'ada', 'Ada', '2026-11-02')"))
        conn.execute(text(
            "INSERT INTO sessions (id, person_id, date, pain_during, exercises) VALUES "
            "(1, 1, '2026-11-03', 2, '[{\"exercise_id\": \"calf_raise\", \"side\": \"both\"}]')"))


def test_upgrade_to_0007_reads_old_sessions_as_gait_not_off(engine: Engine) -> None:
    _at_0006_with_a_session(engine)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        h = uow.people.get("ada")
    assert [(s.pain_during, s.gait_off) for s in h.sessions] == [(2, False)]
    assert _diff(engine) == []


def test_upgrade_to_0007_refuses_an_empty_gait_off(engine: Engine) -> None:
    _at_0006_with_a_session(engine)
    migrate(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET gait_off = NULL"))


def test_downgrade_from_0007_drops_the_flag_and_keeps_the_session(engine: Engine) -> None:
    _at_0006_with_a_session(engine)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET gait_off = true"))
    _downgrade(engine, "0006")
    with engine.connect() as conn:
        during = conn.execute(text("SELECT pain_during FROM sessions")).scalars().all()
        columns = {c["name"] for c in inspect(conn).get_columns("sessions")}
    assert during == [2]
    assert "gait_off" not in columns
    migrate(engine)
    assert _diff(engine) == []


def _at_0007_with_a_client_and_a_feed(engine: Engine) -> None:
    _downgrade(engine, "0007")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO people (id, key, name, created) "
                          "VALUES (1, 'ada', 'Ada', '2026-11-02')"))
        conn.execute(text(
            "INSERT INTO accounts (id, email, name, role, password_hash, person_id, "
            "session_version, created_at) VALUES (1, 'coach@example.org', 'Casey', 'coach', "
            "'x', NULL, 3, '2026-11-01 08:00:00'), (2, 'ada@example.org', 'Ada', 'client', "
            "'x', 1, 1, '2026-11-01 08:00:00')"))
        conn.execute(text("INSERT INTO coaching (person_id, coach_id) VALUES (1, 1)"))
        conn.execute(text(
            "INSERT INTO api_tokens (account_id, name, token_hash, created_at) "
            "VALUES (1, 'app', :hash, '2026-11-01 08:00:00')"), {"hash": "a" * 64})
        conn.execute(text("INSERT INTO calendar_feeds (person_id, token, created_at) "
                          "VALUES (1, 'the-secret-feed-token', '2026-11-03 09:30:00')"))


def test_upgrade_to_0008_hashes_feed_tokens_and_keeps_them_working(engine: Engine) -> None:
    _at_0007_with_a_client_and_a_feed(engine)
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.calendar_feeds.c.person_id, t.calendar_feeds.c.token_hash,
                                   t.calendar_feeds.c.created_at)).all()
    assert [(pid, h) for pid, h, _ in rows] == [
        (1, hashlib.sha256(b"the-secret-feed-token").hexdigest())]
    assert rows[0][2].replace(tzinfo=None) == dt.datetime(2026, 11, 3, 9, 30)
    with UnitOfWork(engine) as uow:
        assert account_service.feed_person(uow, "the-secret-feed-token") == "ada"
        assert account_service.feed_person(uow, rows[0][1]) is None  # the hash opens nothing
    assert _diff(engine) == []


def test_upgrade_to_0008_keeps_accounts_and_what_hangs_on_them(engine: Engine) -> None:
    _at_0007_with_a_client_and_a_feed(engine)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        accounts = uow.accounts.all()
        assert [(a.email, a.must_change_password) for a in accounts] == [
            ("ada@example.org", False), ("coach@example.org", False)]
        assert uow.accounts.coach_of("ada") == 1
        assert [tk.name for tk in uow.accounts.tokens(1)] == ["app"]
    with engine.connect() as conn:
        assert conn.execute(select(t.web_sessions.c.id)).all() == []


def test_downgrade_from_0008_ends_feeds_and_sessions_and_keeps_accounts(engine: Engine) -> None:
    _at_0007_with_a_client_and_a_feed(engine)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        account = uow.accounts.by_email("coach@example.org")
        assert account is not None
        account_service.start_session(uow, account, lifetime=dt.timedelta(days=1))
        uow.accounts.require_password_change(2)
        uow.commit()
    _downgrade(engine, "0007")
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        feeds = conn.execute(text("SELECT count(*) FROM calendar_feeds")).scalar_one()
        feed_columns = {c["name"] for c in inspect(conn).get_columns("calendar_feeds")}
        account_columns = {c["name"] for c in inspect(conn).get_columns("accounts")}
        emails = conn.execute(text("SELECT email FROM accounts ORDER BY id")).scalars().all()
        coached = conn.execute(text("SELECT count(*) FROM coaching")).scalar_one()
        tokens = conn.execute(text("SELECT count(*) FROM api_tokens")).scalar_one()
    assert "web_sessions" not in tables
    assert feeds == 0  # a hash cannot become an address again
    assert "token" in feed_columns
    assert "must_change_password" not in account_columns
    assert emails == ["coach@example.org", "ada@example.org"]
    assert (coached, tokens) == (1, 1)
    migrate(engine)
    assert _diff(engine) == []


# --- 0009: planned runs remember their calendar event ---------------------------------------


def _at_0008_with_a_planned_run(engine: Engine) -> None:
    _downgrade(engine, "0008")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO people (id, key, name, created) "
                          "VALUES (1, 'ada', 'Ada', '2026-11-02')"))
        conn.execute(text("INSERT INTO planned_runs (person_id, date, kind, minutes, title) "
                          "VALUES (1, '2026-12-13', 'long', 120, 'Sunday long run')"))


def test_upgrade_to_0009_keeps_planned_runs_without_a_calendar(engine: Engine) -> None:
    _at_0008_with_a_planned_run(engine)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        [run] = uow.people.get("ada").planned_runs
    assert (run.date, run.title, run.calendar, run.event) == (
        dt.date(2026, 12, 13), "Sunday long run", None, None)
    assert _diff(engine) == []


def test_downgrade_from_0009_drops_the_event_and_keeps_the_run(engine: Engine) -> None:
    _at_0008_with_a_planned_run(engine)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE planned_runs SET calendar = 'Training', event = 'uid-1'"))
    _downgrade(engine, "0008")
    with engine.connect() as conn:
        titles = conn.execute(text("SELECT title FROM planned_runs")).scalars().all()
        columns = {c["name"] for c in inspect(conn).get_columns("planned_runs")}
    assert titles == ["Sunday long run"]
    assert not {"calendar", "event"} & columns
    migrate(engine)
    assert _diff(engine) == []


# --- 0010: swims are stored as swims --------------------------------------------------------

_ACTIVITY = ("INSERT INTO recorded_activities (person_id, start, sport, duration_s, laps, "
             "content_hash, source) VALUES (1, '2026-12-01 07:00:00', :sport, 1800, '[]', "
             ":hash, 'fit')")


def _at_0009_with_activities(engine: Engine) -> None:
    _downgrade(engine, "0009")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO people (id, key, name, created) "
                          "VALUES (1, 'ada', 'Ada', '2026-11-02')"))
        for i, sport in enumerate(("run", "other")):
            conn.execute(text(_ACTIVITY), {"sport": sport, "hash": f"{i}" * 64})


def test_upgrade_to_0010_accepts_swims_and_keeps_what_was_stored(engine: Engine) -> None:
    _at_0009_with_activities(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:  # 0009 refuses a swim
        conn.execute(text(_ACTIVITY), {"sport": "swim", "hash": "s" * 64})
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text(_ACTIVITY), {"sport": "swim", "hash": "s" * 64})
    with UnitOfWork(engine) as uow:
        sports = [a.sport for a in uow.people.get("ada").recorded_activities]
    assert sorted(sports) == [Sport.OTHER, Sport.RUN, Sport.SWIM]
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the check is still there
        conn.execute(text(_ACTIVITY), {"sport": "yoga", "hash": "y" * 64})
    assert _diff(engine) == []


def test_downgrade_from_0010_stores_swims_as_other_and_refuses_them_again(
        engine: Engine) -> None:
    _at_0009_with_activities(engine)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text(_ACTIVITY), {"sport": "swim", "hash": "s" * 64})
    _downgrade(engine, "0009")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT content_hash, sport FROM recorded_activities "
                                 "ORDER BY content_hash")).all()
    assert [(h[0], s) for h, s in rows] == [("0", "run"), ("1", "other"), ("s", "other")]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(_ACTIVITY), {"sport": "swim", "hash": "t" * 64})
    migrate(engine)
    assert _diff(engine) == []


def _media_storage(engine: Engine) -> str:
    """PostgreSQL's storage mode of ``exercise_media.data``: 'e' external, 'x' extended."""
    with engine.connect() as conn:
        return str(conn.execute(text(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'exercise_media'::regclass "
            "AND attname = 'data'")).scalar_one())


def test_0018_stores_media_bytes_uncompressed_on_postgresql(engine: Engine) -> None:
    """A piece of a coach's video is read without reading the whole value only when the value
    is stored uncompressed (0018: SET STORAGE EXTERNAL); the downgrade puts the default back.
    On SQLite the revision changes nothing and the schema still matches the tables."""
    if engine.dialect.name != "postgresql":
        _downgrade(engine, "0017")
        migrate(engine)
        assert _diff(engine) == []
        return
    assert _media_storage(engine) == "e"
    _downgrade(engine, "0017")
    assert _media_storage(engine) == "x"
    migrate(engine)
    assert _media_storage(engine) == "e"
    assert _diff(engine) == []
