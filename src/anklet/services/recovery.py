"""Links that reach people by email: "forgot my password" (and, built on the same tokens,
invitations).

A link carries a random token; only its SHA-256 is stored (``mail_tokens``), with what it is
for, when it expires and when it was used, so each link works once and a copy of the
database opens nothing. Asking for a reset answers the same whether or not the email has an
account (the email goes out, or not, after the answer), and is limited per network address
(``RESET_REQUESTS_PER_ADDRESS`` an hour) and per account (``RESETS_PER_ACCOUNT`` emails an
hour), so the form can be used neither to find out who has an account nor to flood someone's
inbox.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from anklet.domain.errors import AnkletError, TooManyAttemptsError
from anklet.services import accounts as account_service
from anklet.services.mail import Message, compose
from anklet.store.accounts import RESET, Account, MailToken
from anklet.store.uow import UnitOfWork

RESET_LIFETIME = dt.timedelta(hours=1)
RESETS_PER_ACCOUNT = 3
RESET_REQUESTS_PER_ADDRESS = 10
WINDOW = dt.timedelta(hours=1)


class LinkError(AnkletError):
    """A link that is unknown, used or expired; says what to do instead."""

    exit_code = 2


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ResetMail:
    """The email to send once the request is committed (None: nothing to send)."""

    message: Message | None


def request_reset(uow: UnitOfWork, *, email: str, address: str, link_for: LinkMaker,
                  now: dt.datetime | None = None) -> ResetMail:
    """Counts the request against the address; for an account with that email (and under
    its hourly limit) makes a reset link and returns the email to send after commit."""
    now = now or _now()
    email = account_service.normalise_email(email)
    recent = uow.accounts.failed_sign_ins(since=now - WINDOW, email=RESET, address=address[:64])
    if len(recent) >= RESET_REQUESTS_PER_ADDRESS:
        wait = int((recent[-RESET_REQUESTS_PER_ADDRESS] + WINDOW - now).total_seconds()) + 1
        raise TooManyAttemptsError(max(wait, 1), "password reset requests from this network")
    account_service.count_attempt(uow, email=RESET, address=address, now=now)
    account = uow.accounts.by_email(email)
    if account is None:
        return ResetMail(None)
    if uow.accounts.mail_tokens_since(account.id, "reset", now - WINDOW) >= RESETS_PER_ACCOUNT:
        return ResetMail(None)  # their inbox has enough of these; the latest links still work
    token = secrets.token_urlsafe(32)
    uow.accounts.add_mail_token(account_id=account.id, purpose="reset", token_hash=_hash(token),
                                now=now, expires_at=now + RESET_LIFETIME)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="reset_requested",
                       person_key=account.person_key, detail={"address": address[:64]})
    return ResetMail(compose("reset", to=account.email, name=account.name,
                             link=link_for(token)))


class LinkMaker:
    """Turns a token into the full address of the page that takes it."""

    def __init__(self, base: str, path: str) -> None:
        self.base = base.rstrip("/")
        self.path = path

    def __call__(self, token: str) -> str:
        return f"{self.base}{self.path}{token}"


EXPIRED = ("This link has expired or has already been used. Links to reset a password work "
           "once, within an hour: ask for a new one.")


def _live(uow: UnitOfWork, token: str, purpose: str, expired: str,
          now: dt.datetime) -> tuple[MailToken, Account]:
    """A link that is known, unused and not expired, with its account; LinkError
    (``expired``) otherwise."""
    found = uow.accounts.mail_token(_hash(token), purpose)
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise LinkError(expired)
    account = uow.accounts.by_id(found.account_id)
    if account is None:
        raise LinkError(expired)
    return found, account


def _use(uow: UnitOfWork, found: MailToken, purpose: str, expired: str,
         now: dt.datetime) -> None:
    """Uses up the link, and every other of its kind of the account; LinkError if another
    tab used it a moment ago."""
    if not uow.accounts.use_mail_token(found.id, now):
        raise LinkError(expired)
    uow.accounts.end_mail_tokens(found.account_id, purpose, now)


def reset_account(uow: UnitOfWork, token: str, now: dt.datetime | None = None) -> Account:
    """The account a live reset link belongs to; LinkError if it is unknown, used or
    expired."""
    return _live(uow, token, "reset", EXPIRED, now or _now())[1]


def reset_password(uow: UnitOfWork, *, token: str, new: str,
                   now: dt.datetime | None = None) -> Account:
    """Sets the new password (checked like any other), uses up the link and every other
    reset link of the account, ends every session and API token, and forgets the failed
    sign-ins (whoever reads the email has shown the account is theirs)."""
    now = now or _now()
    found, account = _live(uow, token, "reset", EXPIRED, now)
    new_hash = account_service.hash_password(new, email=account.email, name=account.name)
    _use(uow, found, "reset", EXPIRED, now)
    uow.accounts.set_password(account.id, new_hash, must_change=False)
    uow.accounts.confirm_email(account.id)  # the link reached them: the email is theirs
    sessions, tokens = account_service.end_everywhere(uow, account)
    uow.accounts.clear_failed_sign_ins(account.email)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="password_reset",
                       person_key=account.person_key,
                       detail={"by": "email link", "sessions_ended": sessions,
                               "tokens_deleted": tokens})
    fresh = uow.accounts.by_id(account.id)
    assert fresh is not None
    return fresh


# -- invitations -----------------------------------------------------------------------------

INVITE_LIFETIME = dt.timedelta(days=7)
INVITE_EXPIRED = ("This invitation has expired or has already been used. Invitations work "
                  "once, within 7 days: ask your coach to send a new one (if you already "
                  "chose a password, sign in with it).")


@dataclass(frozen=True)
class Invitation:
    """A client's invitation: their account, the link (shown to the coach when it cannot be
    emailed), when it ends, and the email to send."""

    account: Account
    link: str
    expires_at: dt.datetime
    message: Message


def invite_client(uow: UnitOfWork, *, coach: Account, key: str, email: str,
                  link_for: LinkMaker, now: dt.datetime | None = None) -> Invitation:
    """Invite the coach's client ``key`` to sign in: their account is made (with the same
    checks, and the same one answer for a malformed or taken email, as a sign-in made by
    hand) with a password nobody knows, and a link lets them choose their own within 7
    days. A client who has not yet chosen a password is invited again (the older links end);
    one who has is refused (ConflictError)."""
    now = now or _now()
    existing = uow.accounts.by_person(key)
    if existing is not None and account_service.can_see(uow, coach, key) \
            and coach.role == "coach" and existing.must_change_password:
        account = existing  # invited (or given a one-time password) before, not yet in
    else:
        account, _unknown = account_service.give_client_sign_in(uow, coach=coach, key=key,
                                                                email=email)
    uow.accounts.end_mail_tokens(account.id, "invite", now)
    token = secrets.token_urlsafe(32)
    expires = now + INVITE_LIFETIME
    uow.accounts.add_mail_token(account_id=account.id, purpose="invite",
                                token_hash=_hash(token), now=now, expires_at=expires)
    uow.accounts.audit(account_id=coach.id, actor=coach.email, action="client_invited",
                       person_key=key, detail={"email": account.email})
    link = link_for(token)
    message = compose("invite", to=account.email, name=account.name, coach=coach.name,
                      link=link, until=expires)
    return Invitation(account, link, expires, message)


def invited_account(uow: UnitOfWork, token: str, now: dt.datetime | None = None) -> Account:
    """The account a live invitation belongs to; LinkError if unknown, used or expired."""
    return _live(uow, token, "invite", INVITE_EXPIRED, now or _now())[1]


def accept_invitation(uow: UnitOfWork, *, token: str, new: str,
                      now: dt.datetime | None = None) -> Account:
    """The client's own password (checked like any other) replaces the unknown one; the
    link, and any other invitation of theirs, is used up."""
    now = now or _now()
    found, account = _live(uow, token, "invite", INVITE_EXPIRED, now)
    new_hash = account_service.hash_password(new, email=account.email, name=account.name)
    _use(uow, found, "invite", INVITE_EXPIRED, now)
    uow.accounts.set_password(account.id, new_hash, must_change=False)
    account_service.end_everywhere(uow, account)
    uow.accounts.audit(account_id=account.id, actor=account.email,
                       action="invitation_accepted", person_key=account.person_key)
    fresh = uow.accounts.by_id(account.id)
    assert fresh is not None
    return fresh


# -- confirming the email of a self sign-up --------------------------------------------------

CONFIRM_LIFETIME = dt.timedelta(days=2)
CONFIRM_EXPIRED = ("This confirmation link has expired or has already been used. Sign in: "
                   "if your email still needs confirming, you can ask for a new link there.")


def confirmation(uow: UnitOfWork, account: Account, *, link_for: LinkMaker,
                 now: dt.datetime | None = None) -> Message | None:
    """A link to confirm ``account``'s email (older ones end), as the email to send; None
    when RESETS_PER_ACCOUNT links were sent in the last hour (their inbox has enough)."""
    now = now or _now()
    if uow.accounts.mail_tokens_since(account.id, "confirm", now - WINDOW) >= RESETS_PER_ACCOUNT:
        return None
    uow.accounts.end_mail_tokens(account.id, "confirm", now)
    token = secrets.token_urlsafe(32)
    uow.accounts.add_mail_token(account_id=account.id, purpose="confirm",
                                token_hash=_hash(token), now=now,
                                expires_at=now + CONFIRM_LIFETIME)
    return compose("confirm", to=account.email, name=account.name, link=link_for(token))


def taken_notice(account: Account, *, site: str) -> Message:
    """To the owner of an email someone just tried to sign up with: no account was made."""
    return compose("signup_taken", to=account.email, name=account.name, site=site)


def resend_confirmation(uow: UnitOfWork, *, email: str, address: str, link_for: LinkMaker,
                        now: dt.datetime | None = None) -> Message | None:
    """A new confirmation link for an unconfirmed account with this email (limited like
    reset requests); None, and the same answer, for any other email."""
    now = now or _now()
    email = account_service.normalise_email(email)
    recent = uow.accounts.failed_sign_ins(since=now - WINDOW, email=RESET, address=address[:64])
    if len(recent) >= RESET_REQUESTS_PER_ADDRESS:
        wait = int((recent[-RESET_REQUESTS_PER_ADDRESS] + WINDOW - now).total_seconds()) + 1
        raise TooManyAttemptsError(max(wait, 1), "requests for links from this network")
    account_service.count_attempt(uow, email=RESET, address=address, now=now)
    account = uow.accounts.by_email(email)
    if account is None or account.email_confirmed:
        return None
    return confirmation(uow, account, link_for=link_for, now=now)


def confirm_email(uow: UnitOfWork, token: str, now: dt.datetime | None = None) -> Account:
    """Marks the account's email confirmed; LinkError if the link is unknown, used or
    expired."""
    now = now or _now()
    found, account = _live(uow, token, "confirm", CONFIRM_EXPIRED, now)
    _use(uow, found, "confirm", CONFIRM_EXPIRED, now)
    uow.accounts.confirm_email(account.id)
    account = uow.accounts.by_id(account.id) or account
    uow.accounts.audit(account_id=account.id, actor=account.email, action="email_confirmed",
                       person_key=account.person_key)
    return account
