"""The person repository and the unit of work, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import Engine, func, select

from anklet.domain.errors import ConflictError, InputError, NotFoundError
from anklet.domain.history import Availability, History, load_history_text
from anklet.domain.measures import MeasureKind
from anklet.domain.units import Side
from anklet.store import tables as t
from anklet.store.repository import PersonSummary
from anklet.store.uow import UnitOfWork
from factories import (
    availability,
    day,
    exercise,
    foot_observation,
    full_history,
    intake,
    measurement,
    minimal_history,
    planned_run,
    questionnaire,
    screening,
    session,
    synthetic_history,
)


def _add(engine: Engine, *histories: History) -> None:
    with UnitOfWork(engine) as uow:
        for h in histories:
            uow.people.add(h)
        uow.commit()


def _get(engine: Engine, key: str) -> History:
    with UnitOfWork(engine) as uow:
        return uow.people.get(key)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in t.metadata.sorted_tables if table.name not in _ACCOUNT_TABLES}


_ACCOUNT_TABLES = {"accounts", "coaching", "api_tokens", "calendar_feeds", "sign_in_attempts",
                   "web_sessions", "mail_tokens", "outbox", "reminders", "reminder_links",
                   "audit_log",
                   # written by the messages service, not a history's add: their cascade on a
                   # person's deletion is tested in tests/integration/services/test_messages.py
                   "messages", "message_reads",
                   # written when a phone sends a session with an idempotency key (0016):
                   # tested in tests/integration/services/test_session_keys.py
                   "session_keys",
                   # a coach's own photos, videos and links: the account's, not a person's
                   # (0015); their cascade is tested in tests/integration/services/test_media_service.py
                   "exercise_media"}  # the web app's tables: empty here


def test_get_returns_full_history_unchanged(engine: Engine) -> None:
    original = full_history("ada")
    _add(engine, original)
    loaded = _get(engine, "ada")
    assert loaded == original
    assert loaded.to_json() == original.to_json()


def test_export_import_round_trip_loses_nothing(engine: Engine) -> None:
    original = full_history("ada")
    _add(engine, original)
    exported = _get(engine, "ada").to_json()
    reimported = load_history_text(exported.replace('"ada"', '"ada-copy"', 1))
    _add(engine, reimported)
    again = _get(engine, "ada-copy")
    assert again == reimported
    assert again.model_dump(exclude={"person"}) == original.model_dump(exclude={"person"})


def test_get_returns_minimal_history_unchanged(engine: Engine) -> None:
    original = minimal_history("bo")
    _add(engine, original)
    assert _get(engine, "bo") == original


def test_add_duplicate_key_raises_conflict(engine: Engine) -> None:
    _add(engine, minimal_history("ada"))
    with pytest.raises(ConflictError, match="'ada' already exists"), UnitOfWork(engine) as uow:
        uow.people.add(full_history("ada"))
    assert _get(engine, "ada") == minimal_history("ada")


def test_add_many_with_repeated_key_raises_conflict(engine: Engine) -> None:
    with pytest.raises(ConflictError, match="twice"), UnitOfWork(engine) as uow:
        uow.people.add_many([minimal_history("ada"), minimal_history("ada")])


@pytest.mark.parametrize("call", [
    lambda repo: repo.get("nobody"),
    lambda repo: repo.delete("nobody"),
    lambda repo: repo.set_intake("nobody", intake()),
    lambda repo: repo.add_screening("nobody", screening()),
    lambda repo: repo.add_measurement("nobody", measurement()),
    lambda repo: repo.add_foot_observation("nobody", foot_observation()),
    lambda repo: repo.add_session("nobody", session()),
    lambda repo: repo.set_availability("nobody", availability()),
    lambda repo: repo.add_planned_run("nobody", planned_run()),
    lambda repo: repo.add_questionnaire("nobody", questionnaire()),
    lambda repo: repo.questionnaires("nobody"),
    lambda repo: repo.get_decision("nobody"),
    lambda repo: repo.save_decision("nobody", as_of=day(0), stage=1, status="hold",
                                    clear_to_train=False, summary={}),
])
def test_missing_person_raises_not_found(engine: Engine, call: object) -> None:
    with UnitOfWork(engine) as uow, pytest.raises(NotFoundError, match="'nobody'"):
        call(uow.people)  # type: ignore[operator]


def test_exists_tells_stored_from_missing(engine: Engine) -> None:
    _add(engine, minimal_history("ada"))
    with UnitOfWork(engine) as uow:
        assert uow.people.exists("ada")
        assert not uow.people.exists("nobody")


def test_delete_removes_every_record_of_the_person(engine: Engine) -> None:
    _add(engine, full_history("ada"), full_history("keep"))
    with UnitOfWork(engine) as uow:
        uow.people.save_decision("ada", as_of=day(20), stage=2, status="progress",
                                 clear_to_train=True, summary={"reasons": ["ok"]})
        uow.people.save_decision("keep", as_of=day(20), stage=1, status="hold",
                                 clear_to_train=False, summary={})
        uow.commit()
    both = _counts(engine)
    assert all(n > 0 for n in both.values()), both

    with UnitOfWork(engine) as uow:
        uow.people.delete("ada")
        uow.commit()

    after = _counts(engine)
    assert after == {name: n // 2 for name, n in both.items()}  # exactly the other person's
    assert _get(engine, "keep") == full_history("keep")
    with UnitOfWork(engine) as uow:
        assert not uow.people.exists("ada")


def test_parts_added_one_by_one_build_the_same_history(engine: Engine) -> None:
    whole = full_history("ada")
    _add(engine, History(person=whole.person))
    with UnitOfWork(engine) as uow:
        repo = uow.people
        assert whole.intake is not None
        repo.set_intake("ada", whole.intake)
        for s in whole.screenings:
            repo.add_screening("ada", s)
        for m in whole.measurements:
            repo.add_measurement("ada", m)
        for f in whole.foot_observations:
            repo.add_foot_observation("ada", f)
        for x in whole.sessions:
            repo.add_session("ada", x)
        repo.set_availability("ada", whole.availability)
        for r in whole.planned_runs:
            repo.add_planned_run("ada", r)
        for a in whole.recorded_activities:
            repo.add_recorded_activity("ada", a)
        for q in whole.questionnaires:
            repo.add_questionnaire("ada", q)
        for o in whole.overrides:
            repo.add_override("ada", o)
        for c in whole.plan_changes:
            repo.add_plan_change("ada", c)
        uow.commit()
    assert _get(engine, "ada") == whole


def test_questionnaires_come_back_by_date_with_their_answers_in_item_order(
        engine: Engine) -> None:
    _add(engine, minimal_history("ada"))
    later = questionnaire(9, "faam")
    left = questionnaire(2, "cait")
    right = questionnaire(2, "cait", side=Side.RIGHT)
    with UnitOfWork(engine) as uow:
        for q in (later, left, right):
            uow.people.add_questionnaire("ada", q)
        uow.commit()
    with UnitOfWork(engine) as uow:
        got = uow.people.questionnaires("ada")
    assert got == [left, right, later]
    assert list(got[2].answers) == [*(f"adl_{i}" for i in range(1, 22)),
                                    *(f"sports_{i}" for i in range(1, 9))]
    assert _get(engine, "ada").questionnaires == [left, right, later]


def test_set_intake_and_availability_replace_the_old_ones(engine: Engine) -> None:
    _add(engine, full_history("ada"))
    new_intake = intake(goals=["walk the dog"], activities=[])
    new_availability = Availability(sun=45)
    with UnitOfWork(engine) as uow:
        uow.people.set_intake("ada", new_intake)
        uow.people.set_availability("ada", new_availability)
        uow.commit()
    loaded = _get(engine, "ada")
    assert loaded.intake == new_intake
    assert loaded.availability == new_availability
    counts = _counts(engine)
    assert counts["intakes"] == 1
    assert counts["availability"] == 1


def test_added_records_keep_date_order_and_insertion_order_within_a_date(
        engine: Engine) -> None:
    _add(engine, minimal_history("ada"))
    later = measurement(30, value=12.0)
    first_same_day = measurement(5, value=8.0)
    second_same_day = measurement(5, value=9.0)
    with UnitOfWork(engine) as uow:
        for m in (later, first_same_day, second_same_day):
            uow.people.add_measurement("ada", m)
        uow.commit()
    assert _get(engine, "ada").measurements == [first_same_day, second_same_day, later]


def test_session_exercises_keep_their_order(engine: Engine) -> None:
    logs = [exercise(f"ex_{i}", Side.LEFT if i % 2 else "both", sets=i) for i in range(12)]
    _add(engine, minimal_history("ada"))
    with UnitOfWork(engine) as uow:
        uow.people.add_session("ada", session(0, exercises=logs))
        uow.commit()
    assert _get(engine, "ada").sessions[0].exercises == logs


def test_failed_unit_of_work_writes_nothing(engine: Engine) -> None:
    def work() -> None:
        with UnitOfWork(engine) as uow:
            uow.people.add(full_history("ada"))
            uow.people.add(minimal_history("bo"))
            uow.people.save_decision("ada", as_of=day(1), stage=0, status="hold",
                                     clear_to_train=False, summary={})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        work()
    assert set(_counts(engine).values()) == {0}


def test_conflict_midway_writes_nothing(engine: Engine) -> None:
    _add(engine, minimal_history("bo"))
    def work() -> None:
        with UnitOfWork(engine) as uow:
            uow.people.add(full_history("ada"))
            uow.people.add(full_history("bo"))
            uow.commit()

    with pytest.raises(ConflictError):
        work()
    with UnitOfWork(engine) as uow:
        assert not uow.people.exists("ada")
    assert _counts(engine)["people"] == 1


def test_unit_of_work_not_committed_writes_nothing(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(full_history("ada"))
        assert uow.people.get("ada") == full_history("ada")  # visible inside, before commit
    assert set(_counts(engine).values()) == {0}


def test_work_after_commit_is_rolled_back_without_a_second_commit(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(minimal_history("ada"))
        uow.commit()
        uow.people.add(minimal_history("bo"))
    with UnitOfWork(engine) as uow:
        assert [p.key for p in uow.people.list()] == ["ada"]


def test_unit_of_work_session_is_closed_after_the_block(engine: Engine) -> None:
    uow = UnitOfWork(engine)
    with uow:
        pass
    with pytest.raises(RuntimeError, match="not open"):
        uow.commit()


def test_list_shows_people_with_their_current_decision(engine: Engine) -> None:
    h = full_history("ada")
    assert h.intake is not None
    _add(engine, minimal_history("bo"), h)
    with UnitOfWork(engine) as uow:
        uow.people.save_decision("ada", as_of=day(20), stage=2, status="progress",
                                 clear_to_train=True, summary={"reasons": ["met the gate"]})
        uow.commit()
    with UnitOfWork(engine) as uow:
        people = uow.people.list()
    assert people == [
        PersonSummary(key="ada", name="Person ada", created=day(0), stage=2, status="progress",
                      clear_to_train=True, as_of=day(20), profile=h.intake.profile,
                      age_at_intake=h.intake.age, intake_date=h.intake.date, sex=h.intake.sex),
        PersonSummary(key="bo", name="Person bo", created=None),
    ]


def test_save_decision_twice_keeps_one_row_with_the_latest(engine: Engine) -> None:
    _add(engine, minimal_history("ada"))
    at = dt.datetime(2025, 4, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with UnitOfWork(engine) as uow:
        uow.people.save_decision("ada", as_of=day(1), stage=None, status="screen_needed",
                                 clear_to_train=False, summary={"a": 1})
        uow.commit()
    with UnitOfWork(engine) as uow:
        uow.people.save_decision("ada", as_of=day(2), stage=3, status="progress",
                                 clear_to_train=True, summary={"b": [1, 2]}, evaluated_at=at)
        uow.commit()
    with UnitOfWork(engine) as uow:
        saved = uow.people.get_decision("ada")
    assert _counts(engine)["decisions"] == 1
    assert saved is not None
    assert (saved.as_of, saved.stage, saved.status, saved.clear_to_train, saved.summary) == (
        day(2), 3, "progress", True, {"b": [1, 2]})
    assert saved.evaluated_at == at
    assert saved.evaluated_at.tzinfo is not None


def test_save_decisions_bulk_upsert_twice_keeps_one_row_each(engine: Engine) -> None:
    keys = [f"p{i:03d}" for i in range(30)]
    _add(engine, *(minimal_history(k) for k in keys))

    def rows(status: str) -> list[dict[str, object]]:
        return [{"key": k, "as_of": day(i), "stage": i % 4, "status": status,
                 "clear_to_train": i % 2 == 0, "summary": {"i": i}}
                for i, k in enumerate(keys)]

    for status in ("first", "second"):
        with UnitOfWork(engine) as uow:
            uow.people.save_decisions(rows(status))
            uow.commit()
    assert _counts(engine)["decisions"] == len(keys)
    with UnitOfWork(engine) as uow:
        listed = uow.people.list()
        decision = uow.people.get_decision("p007")
    assert {p.status for p in listed} == {"second"}
    assert decision is not None
    assert (decision.stage, decision.summary, decision.clear_to_train) == (3, {"i": 7}, False)


def test_save_decisions_repeated_key_keeps_the_last(engine: Engine) -> None:
    _add(engine, minimal_history("ada"))
    base = {"key": "ada", "as_of": day(0), "stage": 1, "clear_to_train": False, "summary": {}}
    with UnitOfWork(engine) as uow:
        uow.people.save_decisions([base | {"status": "old"}, base | {"status": "new"}])
        uow.commit()
    with UnitOfWork(engine) as uow:
        decision = uow.people.get_decision("ada")
    assert decision is not None
    assert decision.status == "new"


def test_get_decision_is_none_before_any_evaluation(engine: Engine) -> None:
    _add(engine, minimal_history("ada"))
    with UnitOfWork(engine) as uow:
        assert uow.people.get_decision("ada") is None


def test_iter_histories_returns_the_same_as_get(engine: Engine) -> None:
    rng = random.Random(7)
    histories = [full_history("ada"), minimal_history("bo")]
    histories += [synthetic_history(f"s{i:02d}", rng) for i in range(21)]
    _add(engine, *histories)
    with UnitOfWork(engine) as uow:  # leave a gap in the ids
        uow.people.delete("s05")
        uow.commit()
    expected = [h for h in histories if h.person.id != "s05"]

    with UnitOfWork(engine) as uow:
        batches = list(uow.people.iter_histories(batch_size=5))
        one_by_one = [uow.people.get(h.person.id) for h in expected]
    assert [len(b) for b in batches] == [5, 5, 5, 5, 2]
    flat = [h for batch in batches for h in batch]
    assert flat == one_by_one == expected


def test_iter_histories_of_empty_store_yields_nothing(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        assert list(uow.people.iter_histories()) == []


def test_iter_histories_rejects_batch_size_below_one(engine: Engine) -> None:
    with UnitOfWork(engine) as uow, pytest.raises(ValueError, match="batch_size"):
        next(uow.people.iter_histories(batch_size=0))


def test_float_values_survive_exactly(engine: Engine) -> None:
    values = [0.1, 1 / 3, 24.999999999999996, 2.5e-12, 0.0]
    ms = [measurement(i, MeasureKind.KNEE_TO_WALL, value=v) for i, v in enumerate(values)]
    _add(engine, minimal_history("ada", measurements=ms))
    assert [m.value for m in _get(engine, "ada").measurements] == values


def test_text_with_nul_character_raises_input_error(engine: Engine) -> None:
    history = minimal_history("ada", measurements=[measurement(0, notes="a\x00b")])
    with pytest.raises(InputError, match=r"measurements\.notes") as info, UnitOfWork(engine) as uow:
        uow.people.add(history)
    assert info.value.field == "measurements.notes"
    assert set(_counts(engine).values()) == {0}


def test_a_person_whose_sessions_are_spread_out_gets_exactly_their_exercises(
        engine: Engine) -> None:
    """One person's sessions, logged weeks apart between many of someone else's, come back
    whole and alone (the sparse-id path of the exercise read)."""
    _add(engine, minimal_history("ada"), minimal_history("bo"))
    mine = [session(1, exercises=[exercise("ankle_circles", Side.LEFT)]),
            session(90, exercises=[exercise("calf_raise"), exercise("ankle_circles")])]
    with UnitOfWork(engine) as uow:
        uow.people.add_session("ada", mine[0])
        for d in range(150):
            uow.people.add_session("bo", session(2 + d % 80))
        uow.people.add_session("ada", mine[1])
        uow.commit()
    ada = _get(engine, "ada")
    assert ada.sessions == mine
    assert len(_get(engine, "bo").sessions) == 150


# -- ids remembered within a unit of work ---------------------------------------------------


def _measurement_owners(engine: Engine) -> list[tuple[str, int]]:
    """(person key, measurement count) for everyone, as the database holds it."""
    stmt = (select(t.people.c.key, func.count(t.measurements.c.person_id))
            .select_from(t.people.outerjoin(t.measurements))
            .group_by(t.people.c.key).order_by(t.people.c.key))
    with engine.connect() as conn:
        return [(key, n) for key, n in conn.execute(stmt)]


def test_a_person_added_again_after_a_rolled_back_savepoint_gets_the_records(
        engine: Engine) -> None:
    # The repository remembers the ids it has looked up; a savepoint that rolls back may undo
    # the very row an id came from, and a person stored again under the same key gets a new id.
    with UnitOfWork(engine) as uow:
        uow.people.add(minimal_history("ana"))
        try:
            with uow.savepoint():
                uow.people.add(minimal_history("bo"))
                uow.people.get("bo")  # remembered here
                raise LookupError("undo bo")
        except LookupError:
            pass
        uow.people.add(minimal_history("bo"))
        uow.people.add_measurement("bo", measurement())
        uow.commit()
    assert _measurement_owners(engine) == [("ana", 0), ("bo", 1)]


def test_a_person_deleted_and_added_again_in_one_unit_of_work_gets_the_records(
        engine: Engine) -> None:
    _add(engine, minimal_history("bo"))
    with UnitOfWork(engine) as uow:
        uow.people.add_measurement("bo", measurement())  # remembered here
        uow.people.delete("bo")
        uow.people.add(minimal_history("bo"))
        uow.people.add_measurement("bo", measurement())
        uow.people.add_measurement("bo", measurement())
        uow.commit()
    assert _measurement_owners(engine) == [("bo", 2)]


def test_a_rolled_back_unit_of_work_forgets_the_ids_it_read(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(minimal_history("bo"))
        uow.people.add_measurement("bo", measurement())
        uow.rollback()
        with pytest.raises(NotFoundError):
            uow.people.add_measurement("bo", measurement())
