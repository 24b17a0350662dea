"""Sign-in limits that slow an attacker without locking the owner out, the sign-up limit and
password strength, through the account service with a frozen clock, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from anklet.domain.errors import ConflictError, InputError, SignInError, TooManyAttemptsError
from anklet.services import accounts, recovery
from anklet.services.accounts import Device
from anklet.store import tables
from anklet.store.accounts import RESET, SIGN_UP
from anklet.store.uow import UnitOfWork

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
GOOD = "kettle orbit mango"
EMAIL = "owner@example.org"
HERE, THERE = "203.0.113.7", "198.51.100.9"


def s(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def owner(engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        account = accounts.create_account(uow, email=EMAIL, name="Olive Owner",
                                          password=GOOD, role="coach")
        uow.commit()
    return account.id


def try_sign_in(engine: Engine, at: dt.datetime, password: str = "wrong password!", *,
                email: str = EMAIL, address: str = THERE, device: Device | None = None
                ) -> str:
    """'ok', 'wrong' or 'wait N' (committing the failed try, as the web does)."""
    with UnitOfWork(engine) as uow:
        try:
            accounts.sign_in(uow, email=email, password=password, address=address,
                             device=device, now=at)
            result = "ok"
        except SignInError:
            result = "wrong"
        except TooManyAttemptsError as e:
            result = f"wait {e.retry_after_s}"
        uow.commit()
    return result


def fail_times(engine: Engine, times: list[float], **kw: object) -> None:
    for t in times:
        assert try_sign_in(engine, s(t), **kw) == "wrong"  # type: ignore[arg-type]


@pytest.mark.usefixtures("owner")
def test_sign_in_after_four_failures_is_not_slowed(engine: Engine) -> None:
    fail_times(engine, [0, 1, 2, 3])
    assert try_sign_in(engine, s(3)) == "wrong"  # the fifth try is still free


@pytest.mark.usefixtures("owner")
def test_sign_in_after_five_failures_waits_30_seconds_then_doubles(engine: Engine) -> None:
    fail_times(engine, [0, 1, 2, 3, 4])
    assert try_sign_in(engine, s(4 + 29), GOOD) == "wait 1"  # even the right password
    assert try_sign_in(engine, s(4 + 30)) == "wrong"  # the sixth failure, at 34 s
    assert try_sign_in(engine, s(34)) == "wait 60"
    assert try_sign_in(engine, s(34 + 59)) == "wait 1"
    assert try_sign_in(engine, s(34 + 60)) == "wrong"  # the seventh, at 94 s
    assert try_sign_in(engine, s(94)) == "wait 120"


@pytest.mark.usefixtures("owner")
def test_sign_in_delay_stops_at_fifteen_minutes(engine: Engine) -> None:
    fail_times(engine, [0, 1, 2, 3, 4])  # 5 free
    at = 4.0
    for delay in (30, 60, 120, 240, 480):  # failures 6 to 10
        at += delay
        assert try_sign_in(engine, s(at)) == "wrong"
    assert try_sign_in(engine, s(at)) == "wait 900"  # not 960: capped
    assert try_sign_in(engine, s(at + 900)) == "wrong"  # the eleventh
    assert try_sign_in(engine, s(at + 900)) == "wait 900"
    assert try_sign_in(engine, s(at + 1800), GOOD) == "ok"  # the owner gets in


@pytest.mark.usefixtures("owner")
def test_sign_in_success_forgets_the_failures(engine: Engine) -> None:
    fail_times(engine, [0, 1, 2, 3, 4])
    assert try_sign_in(engine, s(34), GOOD) == "ok"
    fail_times(engine, [35, 36, 37, 38, 39])  # five free again
    assert try_sign_in(engine, s(40)) == "wait 29"


@pytest.mark.usefixtures("owner")
def test_sign_in_failures_older_than_a_day_are_forgotten(engine: Engine) -> None:
    fail_times(engine, [0, 1, 2, 3, 4])
    day = 24 * 3600
    assert try_sign_in(engine, s(day)) == "wrong"  # four still count, and this one
    assert try_sign_in(engine, s(day + 1)) == "wait 29"
    assert try_sign_in(engine, s(day + 5)) == "wrong"  # the first five are a day old now


def test_sign_in_known_device_is_not_slowed_by_others_failures(engine: Engine,
                                                                owner: int) -> None:
    fail_times(engine, [0, 1, 2, 3, 4, 34, 94])  # an attacker, elsewhere
    assert try_sign_in(engine, s(95), GOOD) == "wait 119"  # a new browser waits
    # a device known only for another account is a new browser here
    assert try_sign_in(engine, s(95), GOOD, device=Device("other", (owner + 1,))) == "wait 119"
    phone = Device("phone-1", (owner,))
    assert try_sign_in(engine, s(95), GOOD, device=phone) == "ok"  # the owner's phone does not


def test_sign_in_known_device_is_slowed_by_its_own_failures(engine: Engine,
                                                             owner: int) -> None:
    phone = Device("phone-1", (owner,))
    fail_times(engine, [0, 1, 2, 3, 4], device=phone)
    assert try_sign_in(engine, s(5), GOOD, device=phone) == "wait 29"
    assert try_sign_in(engine, s(5), GOOD, device=Device("laptop", (owner,))) == "ok"


@pytest.mark.usefixtures("owner")
def test_sign_in_address_is_slowed_after_twenty_failures(engine: Engine) -> None:
    for i in range(20):  # twenty different emails, so no account limit is reached
        assert try_sign_in(engine, s(i), email=f"guess{i}@example.org", address=HERE) == "wrong"
    assert try_sign_in(engine, s(20), email="guess99@example.org", address=HERE) == "wait 29"
    assert try_sign_in(engine, s(20), GOOD, address=HERE) == "wait 29"  # the owner, new browser
    assert try_sign_in(engine, s(20), GOOD, address=THERE) == "ok"  # elsewhere: fine


def test_sign_in_address_limit_does_not_stop_a_known_device(engine: Engine,
                                                             owner: int) -> None:
    for i in range(25):
        try_sign_in(engine, s(i), email=f"guess{i}@example.org", address=HERE)
    assert try_sign_in(engine, s(25), GOOD, address=HERE,
                       device=Device("desk", (owner,))) == "ok"


@pytest.mark.usefixtures("owner")
def test_sign_in_address_failures_older_than_an_hour_are_forgotten(engine: Engine) -> None:
    for i in range(20):
        try_sign_in(engine, s(i), email=f"guess{i}@example.org", address=HERE)
    assert try_sign_in(engine, s(3600 + 0.5), GOOD, address=HERE) == "ok"


@pytest.mark.parametrize("password", ["odd\x00bytes!", "\udcff" * 12])  # never a 500
@pytest.mark.usefixtures("owner")
def test_sign_in_with_unusable_characters_is_a_plain_failure(engine: Engine,
                                                             password: str) -> None:
    assert try_sign_in(engine, s(0), password) == "wrong"
    assert try_sign_in(engine, s(1), email="odd\x00@example.org") == "wrong"


# -- sign-up ---------------------------------------------------------------------------------

def sign_up(engine: Engine, at: dt.datetime, email: str, address: str = HERE) -> str:
    with UnitOfWork(engine) as uow:
        try:
            accounts.sign_up(uow, email=email, name="New Person", password=GOOD, role="coach",
                             address=address, now=at)
            result = "created"
        except ConflictError:
            result = "taken"
        except TooManyAttemptsError as e:
            result = f"wait {e.retry_after_s}"
        uow.commit()
    return result


def test_sign_up_is_limited_to_ten_an_hour_per_address(engine: Engine) -> None:
    for i in range(9):
        assert sign_up(engine, s(i), f"new{i}@example.org") == "created"
    assert sign_up(engine, s(9), "new0@example.org") == "taken"  # counts all the same
    assert sign_up(engine, s(10), "new10@example.org") == "wait 3590"
    assert sign_up(engine, s(10), "new10@example.org", address=THERE) == "created"
    assert sign_up(engine, s(3599), "new11@example.org") == "wait 1"
    assert sign_up(engine, s(3600), "new11@example.org") == "created"  # the first is an hour old
    with UnitOfWork(engine) as uow:
        assert uow.accounts.by_email("new11@example.org") is not None
        # sign-ups are not failed sign-ins: the address may still make 20 of those
        assert uow.accounts.failed_sign_ins(since=T0, address=HERE) == []


def test_sign_up_refused_for_bad_input_is_not_counted(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        for _ in range(12):
            with pytest.raises(InputError):
                accounts.sign_up(uow, email="x@example.org", name="X", password="password12",
                                 role="coach", address=HERE, now=T0)
        uow.commit()
    assert sign_up(engine, s(1), "x@example.org") == "created"


def test_sign_up_with_a_taken_email_creates_nothing(engine: Engine, owner: int) -> None:
    assert sign_up(engine, s(0), "OWNER@example.org ") == "taken"
    with UnitOfWork(engine) as uow:
        assert uow.accounts.count() == 1
        kept = uow.accounts.by_id(owner)
        assert kept is not None
        assert kept.name == "Olive Owner"
    assert try_sign_in(engine, s(1), GOOD) == "ok"  # the owner's password still works


# -- password strength -----------------------------------------------------------------------

WEAK = [
    ("aaaaaaaaaa", "repeats the same characters"),
    ("1234567890", "passwords people pick most often"),
    ("password12", "passwords people pick most often"),
    ("new.person@example.org", "built from your email or name"),
    ("New Person 1", "built from your email or name"),
    (" " * 10, "only spaces"),
    ("\x00" * 10, "control character"),
    ("tab\there, ok?", "control character"),
    ("123456789", "at least 10 characters"),
    ("x" * 257, "at most 256 characters"),
]


@pytest.mark.parametrize(("password", "why"), WEAK)
def test_sign_up_refuses_a_weak_password(engine: Engine, password: str, why: str) -> None:
    with UnitOfWork(engine) as uow, pytest.raises(InputError) as e:
        accounts.sign_up(uow, email="new.person@example.org", name="New Person",
                         password=password, role="self")
    assert e.value.field == "password"
    assert str(e.value).startswith("password: ")
    assert why in str(e.value)
    if password.strip():
        assert password not in str(e.value)  # never echoed
    with UnitOfWork(engine) as uow:
        assert uow.accounts.count() == 0
        assert uow.people.list() == []


@pytest.mark.parametrize("password", [
    "kettle orbit mango",  # three ordinary words
    "correct horse battery staple",
    "Tr4vel-by-Night!",
])
def test_sign_up_accepts_a_password_that_is_hard_to_guess(engine: Engine,
                                                           password: str) -> None:
    with UnitOfWork(engine) as uow:
        accounts.sign_up(uow, email="new.person@example.org", name="New Person",
                         password=password, role="coach")
        uow.commit()


@pytest.mark.parametrize(("password", "why"), WEAK[:5])
def test_password_change_and_reset_refuse_a_weak_password(engine: Engine, owner: int,
                                                          password: str, why: str) -> None:
    password = password.replace("new.person@example.org", EMAIL).replace("New Person",
                                                                          "Olive Owner")
    with UnitOfWork(engine) as uow:
        account = uow.accounts.by_id(owner)
        assert account is not None
        with pytest.raises(InputError, match=why):
            accounts.change_password(uow, account=account, current=GOOD, new=password)
        with pytest.raises(InputError, match=why):
            accounts.reset_password(uow, email=EMAIL, new=password)
    assert try_sign_in(engine, s(0), GOOD) == "ok"  # unchanged


def test_wait_after_is_zero_for_the_free_tries() -> None:
    fails = [s(i) for i in range(4)]
    assert accounts.wait_after(fails, 5, s(4)) == 0
    assert accounts.wait_after([*fails, s(4)], 5, s(4)) == 30
    assert accounts.wait_after([s(0)] * 500, 5, s(0)) == 900  # no overflow, capped


def _attempts(engine: Engine) -> list[tuple[str, dt.datetime]]:
    with engine.connect() as conn:
        return sorted((r.email, r.at.astimezone(dt.UTC))
                      for r in conn.execute(select(tables.sign_in_attempts)))


def test_attempts_older_than_a_day_are_forgotten_when_a_new_one_is_counted(
        engine: Engine) -> None:
    """The rows the limits count grow no further than a day's worth: each new one clears
    those no limit reads any more (a second past the day goes; the day's edge stays)."""
    kept = accounts.ATTEMPTS_KEPT
    assert kept >= max(accounts.ACCOUNT_MEMORY, accounts.ADDRESS_MEMORY,
                       accounts.SIGN_UP_WINDOW, recovery.WINDOW)
    now = s(0) + kept
    with UnitOfWork(engine) as uow:
        uow.accounts.add_failed_sign_in("gone@example.org", HERE, s(-1))
        uow.accounts.add_failed_sign_in("edge@example.org", HERE, s(0))
        uow.accounts.add_failed_sign_in(SIGN_UP, THERE, s(-3600))
        uow.commit()
    assert try_sign_in(engine, now, email="someone@example.org") == "wrong"
    assert _attempts(engine) == [("edge@example.org", s(0)), ("someone@example.org", now)]


@pytest.mark.usefixtures("owner")
def test_a_sign_up_and_a_reset_request_forget_old_attempts_too(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.accounts.add_failed_sign_in(EMAIL, HERE, s(0))
        uow.commit()
    later = s(0) + accounts.ATTEMPTS_KEPT + dt.timedelta(seconds=1)
    with UnitOfWork(engine) as uow:
        recovery.request_reset(uow, email=EMAIL, address=HERE, now=later,
                               link_for=recovery.LinkMaker("https://anklet.test", "/reset/"))
        uow.commit()
    assert [e for e, _ in _attempts(engine)] == [RESET]
    assert sign_up(engine, later + accounts.ATTEMPTS_KEPT + dt.timedelta(seconds=1),
                   "new@example.org") == "created"
    assert [e for e, _ in _attempts(engine)] == [SIGN_UP]
