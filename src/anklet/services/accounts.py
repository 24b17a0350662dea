"""Accounts and who may see whom: sign-up, sign-in, passwords, API tokens and tenancy.

Three kinds of account:

* a **coach** sees the people they coach (``coaching``) and nobody else;
* a **client** sees only their own person (created by their coach);
* a **self-coached** person sees only their own person, with the assessment and decision
  pages a coach would otherwise use.

:func:`person_for` is the one gate every page and API route goes through before touching a
person: a person who is not the account's own gets :class:`NotFoundError`, exactly as if they
did not exist, so nothing leaks about other coaches' clients.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106); hashing is slow on
purpose, so the web calls these functions from a worker thread, never on its event loop. A
new password must be hard to guess: zxcvbn (Dropbox's estimator, with the email and name as
words it knows) must score it 3 of 4 or more, "safely unguessable" (about 10^8 guesses or
more): that refuses ``password12``, ``1234567890``, ``aaaaaaaaaa`` and the email itself and
accepts three ordinary words. Control characters and all-space passwords are refused.

Failed sign-ins slow an attacker down without locking the owner out (OWASP's authentication
cheat sheet asks for a limit; the numbers are our own choice):

* per account: the first 5 failures in a day are free; after that each try has to wait
  30 seconds after the latest failure, doubling with every further failure up to 15 minutes
  (429 with Retry-After). A wrong try that had to wait is not counted. A good sign-in, or a
  reset, forgets the failures.
* per address: the same, with the first 20 failures in an hour free (a shared office or
  phone network behind one address).
* a **known device**, a browser that signed in to this account before (a signed cookie the
  web sets), ignores both: only its own failures for that account slow it down, so an
  attacker elsewhere cannot keep the owner out.
* sign-ups: 10 an hour from one address, counted in the same table under the email
  ``(sign-up)``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from anklet.domain.errors import (
    AnkletError,
    ConflictError,
    InputError,
    NotFoundError,
    SignInError,
    TooManyAttemptsError,
)
from anklet.domain.history import History, Intake, Person
from anklet.domain.text import check_line, line_problem, safe_echo
from anklet.store.accounts import SIGN_UP, Account
from anklet.store.uow import UnitOfWork

ROLES = ("coach", "client", "self")
PASSWORD_MIN = 10
PASSWORD_MAX = 256
PASSWORD_MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable", about 10^8 guesses
_SCORED_CHARS = 72  # zxcvbn refuses longer input; the first 72 characters are scored

FREE_FAILS_PER_ACCOUNT = 5
ACCOUNT_MEMORY = dt.timedelta(hours=24)
FREE_FAILS_PER_ADDRESS = 20
ADDRESS_MEMORY = dt.timedelta(hours=1)
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(minutes=15)
SIGN_UPS_PER_ADDRESS = 10
SIGN_UP_WINDOW = dt.timedelta(hours=1)
ATTEMPTS_KEPT = ACCOUNT_MEMORY
"""How long a row of ``sign_in_attempts`` is kept: the longest window any limit reads (a
day of an account's failed sign-ins; the address, sign-up and link-request limits read an
hour). Older rows are deleted whenever a new one is recorded, so the table holds at most a
day of tries."""

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_hasher = PasswordHasher()  # argon2id, RFC 9106's second recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so that a wrong email takes as long as a
    wrong password (made on first use: hashing is slow on purpose)."""
    return _hasher.hash("not a real password, only for timing")


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the password hasher (tests use cheap parameters; hashes stay argon2id)."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()


def count_attempt(uow: UnitOfWork, *, email: str, address: str, now: dt.datetime) -> None:
    """Record a failed sign-in (or, under their own emails, a sign-up or a request for a
    link) in the caller's transaction, and forget those older than :data:`ATTEMPTS_KEPT`,
    which no limit reads any more."""
    uow.accounts.add_failed_sign_in(email, address[:64], now)
    uow.accounts.forget_sign_ins_before(now - ATTEMPTS_KEPT)


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased; InputError naming the value if it is not an address."""
    clean = (email or "").strip().lower()
    if len(clean) > 254 or not _EMAIL.match(clean) or line_problem(clean):
        raise InputError("email", safe_echo(email or ""),
                         "an email address such as name@example.com")
    return clean


_ADVICE = ("Use three or four ordinary words that do not belong together, or a longer mix "
           "of letters, numbers and signs.")
_HINTS = {  # what zxcvbn found in a weak password, said our way
    "user_inputs": "it is built from your email or name",
    "passwords": "it uses one of the passwords people pick most often",
    "dictionary": "it is mostly one common word or name",
    "repeat": "it repeats the same characters",
    "sequence": "it runs in order, like 1234 or abcd",
    "spatial": "it follows a line of keys on the keyboard",
    "date": "it is built around a date",
    "regex": "it is built around a year",
}


def _password_problem(message: str, accepted: str) -> InputError:
    return InputError("password", "(hidden)", accepted, message=f"password: {message}")


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """A password that is hard to guess, or InputError saying why not (never echoing it).

    10 to 256 characters (NIST SP 800-63B allows 8; we ask a little more), no control
    characters, not only spaces, and zxcvbn's score at least ``PASSWORD_MIN_SCORE`` with the
    account's email and name among the words it tries.
    """
    password = password or ""
    if len(password) < PASSWORD_MIN:
        raise _password_problem(f"too short; use at least {PASSWORD_MIN} characters.",
                                f"at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise _password_problem(f"too long; use at most {PASSWORD_MAX} characters.",
                                f"at most {PASSWORD_MAX} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in password):
        raise _password_problem(
            "it contains an invisible control character (such as a tab or a line break); "
            "use letters, numbers, spaces and signs only.",
            "letters, numbers, spaces and signs")
    if not password.strip():
        raise _password_problem("only spaces will not do; " + _ADVICE[0].lower() + _ADVICE[1:],
                                "letters, numbers or signs, not only spaces")
    known = [w for w in (email, email.split("@")[0], name, *name.split()) if w]
    result: dict[str, Any] = zxcvbn(password[:_SCORED_CHARS], user_inputs=known)
    if result["score"] >= PASSWORD_MIN_SCORE:
        return
    hints: list[str] = []
    for match in result["sequence"]:
        kind = match.get("dictionary_name") or match["pattern"]
        hint = _HINTS.get(kind) or (_HINTS["dictionary"] if match["pattern"] == "dictionary"
                                    else None)
        if hint and len(match["token"]) >= 3 and hint not in hints:
            hints.append(hint)
    why = "; ".join(hints[:2]) or "it is short and simple"
    raise _password_problem(f"too easy to guess ({why}). {_ADVICE}",
                            "a password that is hard to guess")


def _check_name(name: str) -> str:
    clean = check_line("name", (name or "").strip())
    if not 1 <= len(clean) <= 120:
        raise InputError("name", name, "1 to 120 characters")
    return clean


def hash_password(password: str, *, email: str = "", name: str = "") -> str:
    """The argon2id hash of a new password, once :func:`check_password` accepts it (slow:
    call it from a worker thread in the web)."""
    check_password(password, email=email, name=name)
    return _hasher.hash(password)


def _hash_for(account: Account, password: str) -> str:
    """:func:`hash_password` with the account's email and name among the words it tries."""
    return hash_password(password, email=account.email, name=account.name)


def new_person_key(uow: UnitOfWork, name: str) -> str:
    """A fresh random person id such as ``p-3f9a0c2b71`` for people added in the web app.

    Web users never type ids, so the id carries nothing about the person: a name in an
    address would end up in browser histories and server logs. Ids are unique across all
    coaches; a random one also tells nobody anything about another coach's people.
    """
    for _ in range(20):
        key = f"p-{secrets.token_hex(5)}"
        if not uow.people.exists(key):
            return key
    raise ConflictError("Could not find a free person id; try again.")  # pragma: no cover


def sign_up(uow: UnitOfWork, *, email: str, name: str, password: str, role: str,
            today: dt.date | None = None, address: str | None = None,
            now: dt.datetime | None = None, confirm: bool = False) -> Account:
    """Create a coach or self-coached account (a self-coached one gets its own person).

    With an ``address`` (the web), at most ``SIGN_UPS_PER_ADDRESS`` sign-ups an hour come
    from it (TooManyAttemptsError); every sign-up that gets past the checks counts, the one
    with a taken email too, and is recorded in the caller's transaction. A taken email is a
    ConflictError raised after the same slow hashing as a new account and before anything is
    created, so the web can answer both alike (it commits to keep the count). ``confirm``
    (the web, when it can send email): the account cannot sign in until the email is
    confirmed with a link (:mod:`anklet.services.recovery`).
    """
    if address is not None:
        now = now or dt.datetime.now(dt.UTC)
        recent = [at for at in uow.accounts.failed_sign_ins(
            since=now - SIGN_UP_WINDOW, email=SIGN_UP, address=address[:64])
            if at + SIGN_UP_WINDOW > now]
        if len(recent) >= SIGN_UPS_PER_ADDRESS:
            wait = recent[-SIGN_UPS_PER_ADDRESS] + SIGN_UP_WINDOW - now
            raise TooManyAttemptsError(max(1, math.ceil(wait.total_seconds())),
                                       "new accounts from your network")
    if role not in ("coach", "self"):
        raise InputError("role", role, "coach or self (clients are added by their coach)")
    email = normalise_email(email)
    name = _check_name(name)
    pw_hash = hash_password(password, email=email, name=name)
    if address is not None and now is not None:
        count_attempt(uow, email=SIGN_UP, address=address, now=now)
    if uow.accounts.by_email(email) is not None:
        raise ConflictError(f"An account with the email {email!r} already exists. Sign in "
                            "instead, or ask for a password reset.")
    person_key = None
    if role == "self":
        today = today or dt.date.today()
        person_key = new_person_key(uow, name)
        uow.people.add(History(person=Person(id=person_key, name=name, created=today),
                               intake=Intake(date=today)))
    return uow.accounts.add(email=email, name=name, role=role, password_hash=pw_hash,
                            person_key=person_key, email_confirmed=not confirm)


def create_account(uow: UnitOfWork, *, email: str, name: str, password: str, role: str,
                   person_key: str | None = None, coach_email: str | None = None,
                   one_time: bool = False) -> Account:
    """The admin path (CLI): any role; a client is linked to an existing person.
    ``one_time``: the password is for passing on; after signing in with it the person has
    to choose their own (:func:`choose_password`) before anything else."""
    if one_time:
        account = create_account(uow, email=email, name=name, password=password, role=role,
                                 person_key=person_key, coach_email=coach_email)
        uow.accounts.require_password_change(account.id)
        fresh = uow.accounts.by_id(account.id)
        assert fresh is not None
        return fresh
    if role not in ROLES:
        raise InputError("role", role, "one of: " + ", ".join(ROLES))
    if role == "self" and person_key is None:
        return sign_up(uow, email=email, name=name, password=password, role=role)
    if role == "client" and person_key is None:
        raise InputError("person", None, "the id of the person this client signs in as")
    email = normalise_email(email)
    pw_hash = hash_password(password, email=email, name=name)
    if person_key is not None:
        if role == "coach":
            raise InputError("person", person_key, "no person for a coach account")
        uow.people.get(person_key)  # NotFoundError names it
        if uow.accounts.by_person(person_key) is not None:
            raise ConflictError(f"The person {person_key!r} already has an account.")
    account = uow.accounts.add(email=email, name=_check_name(name), role=role,
                               password_hash=pw_hash, person_key=person_key)
    if coach_email is not None and person_key is not None:
        coach = uow.accounts.by_email(normalise_email(coach_email))
        if coach is None or coach.role != "coach":
            raise NotFoundError("coach account", coach_email)
        uow.accounts.set_coach(person_key, coach.id)
    return account


@dataclass(frozen=True)
class Device:
    """A browser as its known-device cookie describes it: a random id and the accounts that
    signed in on it (most recent last)."""

    id: str
    accounts: tuple[int, ...] = ()

    @property
    def origin(self) -> str:
        """What its failed sign-ins are recorded under instead of the network address."""
        return f"device {self.id}"[:64]


def wait_after(fails: list[dt.datetime], free: int, now: dt.datetime) -> int:
    """Seconds to wait before the next try, given the failures so far (oldest first): none
    for the first ``free``, then ``FIRST_DELAY`` after the latest failure, doubling with each
    further failure up to ``MAX_DELAY``."""
    extra = len(fails) - free
    if extra < 0:
        return 0
    delay = min(FIRST_DELAY * (1 << min(extra, 16)), MAX_DELAY)
    return max(0, math.ceil((fails[-1] + delay - now).total_seconds()))


class UnconfirmedEmailError(AnkletError):
    """The password is right, but the account's email is not confirmed yet."""

    exit_code = 7

    def __init__(self, email: str) -> None:
        self.email = email
        super().__init__(f"Please confirm your email first: open the link we sent to {email} "
                         "when you signed up.")


def sign_in(uow: UnitOfWork, *, email: str, password: str, address: str,
            device: Device | None = None, now: dt.datetime | None = None) -> Account:
    """The account for this email and password; SignInError or TooManyAttemptsError if not.

    A ``device`` that signed in to this account before is slowed only by its own failures;
    any other try by the account's and the address's (see the module's notes). A failed try
    is recorded in the same transaction as the caller's, so the caller must commit even when
    this raises SignInError (the web layer does).
    """
    now = now or dt.datetime.now(dt.UTC)
    # no control characters or lone surrogates reach the database (PostgreSQL refuses them)
    clean = "".join(c for c in (email or "").strip().lower()[:254]
                    if unicodedata.category(c) not in ("Cc", "Cs"))
    address = (address or "unknown")[:64]
    account = uow.accounts.by_email(clean)
    account_since = now - ACCOUNT_MEMORY
    if device is not None and account is not None and account.id in device.accounts:
        address = device.origin
        limits = [(uow.accounts.failed_sign_ins(since=account_since, email=clean,
                                                address=address), FREE_FAILS_PER_ACCOUNT)]
    else:
        limits = [(uow.accounts.failed_sign_ins(since=account_since, email=clean),
                   FREE_FAILS_PER_ACCOUNT),
                  (uow.accounts.failed_sign_ins(since=now - ADDRESS_MEMORY, address=address),
                   FREE_FAILS_PER_ADDRESS)]
    wait = max(wait_after(fails, free, now) for fails, free in limits)
    if wait > 0:
        raise TooManyAttemptsError(wait)
    try:
        _hasher.verify(account.password_hash if account else _dummy_hash(), password or "")
        ok = account is not None
    except (VerificationError, InvalidHashError, UnicodeError):  # a lone surrogate: no match
        ok = False
    if not ok or account is None:
        count_attempt(uow, email=clean, address=address, now=now)
        raise SignInError("That email and password do not match an account.")
    uow.accounts.clear_failed_sign_ins(clean)
    if not account.email_confirmed:  # told only to whoever knows the password
        raise UnconfirmedEmailError(account.email)
    if _hasher.check_needs_rehash(account.password_hash):
        uow.accounts.set_password(account.id, _hasher.hash(password))
        refreshed = uow.accounts.by_id(account.id)
        assert refreshed is not None
        account = refreshed
    return account


def end_everywhere(uow: UnitOfWork, account: Account, *, keep_session: str | None = None
                   ) -> tuple[int, int]:
    """Sign the account out on every device (but the session ``keep_session``, a password
    change's own browser) and delete its API tokens: how many sessions and tokens ended.

    Tokens go too, because a token made on a stolen session (or with a stolen password)
    would otherwise outlive the very thing that is meant to shut the thief out.
    """
    sessions = uow.accounts.end_sessions(account.id, keep=keep_session)
    tokens = uow.accounts.delete_tokens(account.id)
    return sessions, tokens


def set_time_zone(uow: UnitOfWork, *, account: Account, zone: str) -> Account:
    """Set the account's time zone (an IANA name, checked: InputError naming "Time zone",
    the value and what is accepted, and nothing is saved)."""
    from anklet.services.reminders import zone as checked_zone  # the one check of a zone

    name = checked_zone(zone, field="Time zone").key
    uow.accounts.set_time_zone(account.id, name)
    fresh = uow.accounts.by_id(account.id)
    assert fresh is not None
    return fresh


def note_browser_zone(uow: UnitOfWork, *, account: Account, zone: str | None) -> Account:
    """Keep the zone a browser reported at sign-in (or sign-up, or on setting a password)
    when the account has none yet; a zone the account already has, or a name that is no
    time zone, changes nothing (the field is filled by a script, not typed)."""
    if account.time_zone is not None or not zone or not zone.strip():
        return account
    try:
        return set_time_zone(uow, account=account, zone=zone)
    except InputError:
        return account


def change_password(uow: UnitOfWork, *, account: Account, current: str, new: str,
                    keep_session: str | None = None) -> Account:
    """Change one's own password (the current one is asked for). Every other session ends
    and every API token is deleted; the session ``keep_session`` (this browser) stays."""
    try:
        _hasher.verify(account.password_hash, current or "")
    except (VerificationError, InvalidHashError) as e:
        raise InputError("current_password", "(hidden)", "your current password",
                         message="current_password: that is not your current password.") from e
    uow.accounts.set_password(account.id, _hash_for(account, new), must_change=False)
    end_everywhere(uow, account, keep_session=keep_session)
    fresh = uow.accounts.by_id(account.id)
    assert fresh is not None
    return fresh


def choose_password(uow: UnitOfWork, *, account: Account, new: str,
                    keep_session: str | None = None) -> Account:
    """After signing in with a one-time password: the person's own password replaces it (so
    the one-time password never works again). Other sessions and API tokens end, as with
    :func:`change_password`; the one-time password itself is not accepted as the new one."""
    try:
        _hasher.verify(account.password_hash, new or "")
        same = True
    except (VerificationError, InvalidHashError):
        same = False
    if same:
        raise InputError("new_password", "(hidden)", "a password of your own",
                         message="new_password: choose a password of your own, not the "
                                 "one you were given.")
    uow.accounts.set_password(account.id, _hash_for(account, new), must_change=False)
    end_everywhere(uow, account, keep_session=keep_session)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="password_chosen")
    fresh = uow.accounts.by_id(account.id)
    assert fresh is not None
    return fresh


def reset_password(uow: UnitOfWork, *, email: str, new: str, one_time: bool = False
                   ) -> Account:
    """The admin path (CLI, there is no mail server): set a new password, end every session
    and delete every API token. ``one_time``: the person must choose their own password
    after signing in with this one."""
    account = uow.accounts.by_email(normalise_email(email))
    if account is None:
        raise NotFoundError("account", email)
    uow.accounts.set_password(account.id, _hash_for(account, new), must_change=one_time)
    sessions, tokens = end_everywhere(uow, account)
    uow.accounts.clear_failed_sign_ins(account.email)
    uow.accounts.audit(account_id=None, actor="admin", action="password_reset",
                       detail={"email": account.email, "one_time": one_time,
                               "sessions_ended": sessions, "tokens_deleted": tokens})
    fresh = uow.accounts.by_id(account.id)
    assert fresh is not None
    return fresh


# -- sessions (signed-in browsers) -----------------------------------------------------------

SESSION_TOUCH_EVERY = dt.timedelta(minutes=5)
"""A session's last-seen time (and with it its expiry, which slides) is written at most this
often, so a browsing person does not turn every page view into a write."""


@dataclass(frozen=True)
class SignedIn:
    """A live session: its account, its id (the token's SHA-256) and whether it is due a
    :func:`touch_session`."""

    account: Account
    session_id: str
    touch_due: bool


def session_id_for(token: str) -> str:
    """The stored id of the session whose cookie carries ``token``."""
    return _token_hash(token)


def start_session(uow: UnitOfWork, account: Account, *, lifetime: dt.timedelta,
                  now: dt.datetime | None = None) -> str:
    """A new session for this account; the token for its cookie (only its hash is kept).
    Expired sessions of anyone are cleared out on the way."""
    now = now or dt.datetime.now(dt.UTC)
    uow.accounts.delete_expired_web_sessions(now)
    token = secrets.token_urlsafe(32)
    uow.accounts.add_web_session(session_id_for(token), account.id, now, now + lifetime)
    return token


def session_account(uow: UnitOfWork, token: str, *, now: dt.datetime | None = None
                    ) -> SignedIn | None:
    """The session a cookie's token opens, if it has not been ended or run out (reads only)."""
    if not token or len(token) > 200:
        return None
    now = now or dt.datetime.now(dt.UTC)
    found = uow.accounts.web_session(session_id_for(token))
    if found is None or found.expires_at <= now:
        return None
    account = uow.accounts.by_id(found.account_id)
    if account is None:
        return None
    return SignedIn(account, found.id, now - found.last_seen_at >= SESSION_TOUCH_EVERY)


def touch_session(uow: UnitOfWork, session_id: str, *, lifetime: dt.timedelta,
                  now: dt.datetime | None = None) -> None:
    """The session was seen now: it lasts ``lifetime`` from now."""
    now = now or dt.datetime.now(dt.UTC)
    uow.accounts.touch_web_session(session_id, now, now + lifetime)


def end_session(uow: UnitOfWork, token: str) -> None:
    """Sign this one session out: its cookie, and every copy of it, stops working."""
    if token and len(token) <= 200:
        uow.accounts.delete_web_session(session_id_for(token))


# -- tenancy ---------------------------------------------------------------------------------

def can_see(uow: UnitOfWork, account: Account, key: str) -> bool:
    if account.role == "coach":
        return uow.accounts.is_coached_by(key, account.id)
    return account.person_key == key


def person_for(uow: UnitOfWork, account: Account, key: str) -> History:
    """The person's history if this account may see them; NotFoundError otherwise."""
    if not can_see(uow, account, key):
        raise NotFoundError("person", key)
    return uow.people.get(key)


def can_assess(account: Account) -> bool:
    """Coaches and self-coached people run assessments and see the decision pages."""
    return account.role in ("coach", "self")


def add_client(uow: UnitOfWork, *, coach: Account, name: str, intake: Intake | None = None,
               today: dt.date | None = None) -> History:
    """A coach adds a client: a new person on the coach's list."""
    if coach.role != "coach":
        raise InputError("role", coach.role, "a coach account to add clients")
    name = _check_name(name)
    today = today or dt.date.today()
    key = new_person_key(uow, name)
    history = History(person=Person(id=key, name=name, created=today),
                      intake=intake or Intake(date=today))
    uow.people.add(history)
    uow.accounts.set_coach(key, coach.id)
    uow.accounts.audit(account_id=coach.id, actor=coach.email, action="client_added",
                       person_key=key, detail={"name": name})
    return history


def give_client_sign_in(uow: UnitOfWork, *, coach: Account, key: str, email: str
                        ) -> tuple[Account, str]:
    """Create the client's account with a one-time password for the coach to pass on: it
    opens only the "choose your own password" page, and the client's own one replaces it."""
    if not can_see(uow, coach, key) or coach.role != "coach":
        raise NotFoundError("person", key)
    if uow.accounts.by_person(key) is not None:
        raise ConflictError("This client already has a sign-in. They can change their "
                            "password on their account page.")
    history = uow.people.get(key)
    # one answer for a malformed email and for one that any account (of any coach) already
    # uses, so that this form cannot be used to find out who else has an account here
    unusable = InputError("signin_email", email, "an email address such as name@example.com "
                          "that does not already sign in to Anklet",
                          message=f"signin_email: {email!r} cannot be used for a new sign-in; "
                                  "use a working email address, such as name@example.com, "
                                  "that does not already sign in to Anklet.")
    try:
        taken = uow.accounts.by_email(normalise_email(email)) is not None
    except InputError as e:
        raise unusable from e
    if taken:
        raise unusable
    password = secrets.token_urlsafe(12)
    try:
        account = create_account(uow, email=email, name=history.person.name,
                                 password=password, role="client", person_key=key,
                                 one_time=True)
    except ConflictError as e:  # the email was taken a moment ago
        raise unusable from e
    uow.accounts.audit(account_id=coach.id, actor=coach.email, action="client_sign_in_created",
                       person_key=key, detail={"email": account.email})
    return account, password


# -- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "ank_"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(uow: UnitOfWork, *, account: Account, name: str) -> str:
    """A new API token for this account; the token itself is shown once and never stored."""
    name = check_line("name", (name or "").strip())
    if not 1 <= len(name) <= 80:
        raise InputError("name", name, "1 to 80 characters, to tell your tokens apart")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    uow.accounts.add_token(account.id, name, _token_hash(token))
    uow.accounts.audit(account_id=account.id, actor=account.email, action="api_token_created",
                       detail={"name": name})
    return token


def token_account(uow: UnitOfWork, token: str) -> Account | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return uow.accounts.account_for_token(_token_hash(token))


# -- calendar feeds --------------------------------------------------------------------------

def issue_feed(uow: UnitOfWork, *, account: Account, key: str) -> str:
    """A new secret calendar address for the person; any old one stops working."""
    if not can_see(uow, account, key):
        raise NotFoundError("person", key)
    token = secrets.token_urlsafe(24)
    uow.accounts.set_feed(key, _token_hash(token))  # the address is shown once, never stored
    uow.accounts.audit(account_id=account.id, actor=account.email, action="calendar_issued",
                       person_key=key)
    return token


def feed_person(uow: UnitOfWork, token: str) -> str | None:
    """The key of the person whose calendar address carries ``token``; None if none does."""
    if not token or len(token) > 200:
        return None
    return uow.accounts.person_for_feed(_token_hash(token))


def revoke_feed(uow: UnitOfWork, *, account: Account, key: str) -> None:
    if not can_see(uow, account, key):
        raise NotFoundError("person", key)
    uow.accounts.delete_feed(key)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="calendar_revoked",
                       person_key=key)
