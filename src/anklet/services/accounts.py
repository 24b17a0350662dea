"""Accounts and who may see whom: sign-up, sign-in, passwords, API tokens and tenancy.

Three kinds of account:

* a **coach** sees the people they coach (``coaching``) and nobody else;
* a **client** sees only their own person (created by their coach);
* a **self-coached** person sees only their own person, with the assessment and decision
  pages a coach would otherwise use.

:func:`person_for` is the one gate every page and API route goes through before touching a
person: a person who is not the account's own gets :class:`NotFoundError`, exactly as if they
did not exist, so nothing leaks about other coaches' clients.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106). Failed sign-ins are
counted per email and per address: five for one email or twenty from one address within 15
minutes stop further tries until the window passes (OWASP's authentication cheat sheet asks
for such a limit; the numbers are our own choice).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from anklet.domain.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    SignInError,
    TooManyAttemptsError,
)
from anklet.domain.history import History, Intake, Person
from anklet.domain.text import check_line, line_problem, safe_echo
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork

ROLES = ("coach", "client", "self")
PASSWORD_MIN = 10
PASSWORD_MAX = 256
WINDOW = dt.timedelta(minutes=15)
MAX_FAILS_PER_EMAIL = 5
MAX_FAILS_PER_ADDRESS = 20

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


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased; InputError naming the value if it is not an address."""
    clean = (email or "").strip().lower()
    if len(clean) > 254 or not _EMAIL.match(clean) or line_problem(clean):
        raise InputError("email", safe_echo(email or ""),
                         "an email address such as name@example.com")
    return clean


def check_password(password: str) -> None:
    """At least 10 characters (NIST SP 800-63B allows 8; we ask a little more), at most 256."""
    if len(password or "") < PASSWORD_MIN:
        raise InputError("password", "(hidden)", f"at least {PASSWORD_MIN} characters",
                         message=f"password: too short; use at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise InputError("password", "(hidden)", f"at most {PASSWORD_MAX} characters",
                         message=f"password: too long; use at most {PASSWORD_MAX} characters.")


def _check_name(name: str) -> str:
    clean = check_line("name", (name or "").strip())
    if not 1 <= len(clean) <= 120:
        raise InputError("name", name, "1 to 120 characters")
    return clean


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


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
            today: dt.date | None = None) -> Account:
    """Create a coach or self-coached account (a self-coached one gets its own person)."""
    if role not in ("coach", "self"):
        raise InputError("role", role, "coach or self (clients are added by their coach)")
    email = normalise_email(email)
    name = _check_name(name)
    pw_hash = hash_password(password)
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
                            person_key=person_key)


def create_account(uow: UnitOfWork, *, email: str, name: str, password: str, role: str,
                   person_key: str | None = None, coach_email: str | None = None) -> Account:
    """The admin path (CLI): any role; a client is linked to an existing person."""
    if role not in ROLES:
        raise InputError("role", role, "one of: " + ", ".join(ROLES))
    if role == "self" and person_key is None:
        return sign_up(uow, email=email, name=name, password=password, role=role)
    if role == "client" and person_key is None:
        raise InputError("person", None, "the id of the person this client signs in as")
    email = normalise_email(email)
    pw_hash = hash_password(password)
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


def sign_in(uow: UnitOfWork, *, email: str, password: str, address: str,
            now: dt.datetime | None = None) -> Account:
    """The account for this email and password; SignInError or TooManyAttemptsError if not.

    A failed try is recorded in the same transaction as the caller's, so the caller must
    commit even when this raises SignInError (the web layer does).
    """
    now = now or dt.datetime.now(dt.UTC)
    clean = (email or "").strip().lower()[:254]
    address = (address or "unknown")[:64]
    since = now - WINDOW
    by_email = uow.accounts.failed_sign_ins(since=since, email=clean)
    by_address = uow.accounts.failed_sign_ins(since=since, address=address)
    for fails, limit in ((by_email, MAX_FAILS_PER_EMAIL), (by_address, MAX_FAILS_PER_ADDRESS)):
        if len(fails) >= limit:
            wait = fails[-limit] + WINDOW - now
            raise TooManyAttemptsError(max(1, int(wait.total_seconds())))
    account = uow.accounts.by_email(clean)
    try:
        _hasher.verify(account.password_hash if account else _dummy_hash(), password or "")
        ok = account is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or account is None:
        uow.accounts.add_failed_sign_in(clean, address, now)
        raise SignInError("That email and password do not match an account.")
    uow.accounts.clear_failed_sign_ins(clean)
    if _hasher.check_needs_rehash(account.password_hash):
        uow.accounts.set_password(account.id, _hasher.hash(password))
        refreshed = uow.accounts.by_id(account.id)
        assert refreshed is not None
        account = refreshed
    return account


def change_password(uow: UnitOfWork, *, account: Account, current: str, new: str) -> Account:
    """Change one's own password (the current one is asked for); other sessions end."""
    try:
        _hasher.verify(account.password_hash, current or "")
    except (VerificationError, InvalidHashError) as e:
        raise InputError("current_password", "(hidden)", "your current password",
                         message="current_password: that is not your current password.") from e
    uow.accounts.set_password(account.id, hash_password(new))
    fresh = uow.accounts.by_id(account.id)
    assert fresh is not None
    return fresh


def reset_password(uow: UnitOfWork, *, email: str, new: str) -> Account:
    """The admin path (CLI, there is no mail server): set a new password, end all sessions."""
    account = uow.accounts.by_email(normalise_email(email))
    if account is None:
        raise NotFoundError("account", email)
    uow.accounts.set_password(account.id, hash_password(new))
    uow.accounts.clear_failed_sign_ins(account.email)
    uow.accounts.audit(account_id=None, actor="admin", action="password_reset",
                       detail={"email": account.email})
    fresh = uow.accounts.by_id(account.id)
    assert fresh is not None
    return fresh


def session_account(uow: UnitOfWork, account_id: int, version: int) -> Account | None:
    """The account a session cookie names, if that session has not been ended."""
    account = uow.accounts.by_id(account_id)
    if account is None or account.session_version != version:
        return None
    return account


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
    """Create the client's account with a one-time password for the coach to pass on."""
    if not can_see(uow, coach, key) or coach.role != "coach":
        raise NotFoundError("person", key)
    if uow.accounts.by_person(key) is not None:
        raise ConflictError("This client already has a sign-in. They can change their "
                            "password on their account page.")
    history = uow.people.get(key)
    password = secrets.token_urlsafe(12)
    account = create_account(uow, email=email, name=history.person.name, password=password,
                             role="client", person_key=key)
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
    uow.accounts.set_feed(key, token)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="calendar_issued",
                       person_key=key)
    return token


def revoke_feed(uow: UnitOfWork, *, account: Account, key: str) -> None:
    if not can_see(uow, account, key):
        raise NotFoundError("person", key)
    uow.accounts.delete_feed(key)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="calendar_revoked",
                       person_key=key)
