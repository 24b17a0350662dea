"""The account repository: who may sign in, whom they may see, tokens, feeds and the audit log.

Like :class:`~anklet.store.repository.PersonRepository` it works inside a unit of work's
session and never commits. People are named by their key (``Person.id``) here too; the
internal ids stay in the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from anklet.domain.errors import ConflictError, NotFoundError
from anklet.store import tables as t

__all__ = ["Account", "AccountRepository", "ApiToken", "AuditEntry", "CoachedPerson",
           "MailToken", "WebSession"]


@dataclass(frozen=True)
class MailToken:
    id: int
    account_id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None


@dataclass(frozen=True)
class QueuedMail:
    id: int
    key: str
    account_id: int
    template: str
    values: dict[str, Any]
    created_at: dt.datetime
    attempts: int


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    name: str
    role: str  # coach | client | self
    person_key: str | None
    session_version: int  # not read since 0008 (sessions are rows of web_sessions)
    password_hash: str
    must_change_password: bool = False
    email_confirmed: bool = True
    alert_emails: bool = True
    time_zone: str | None = None  # IANA name; None: not known yet (the server's date is used)


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser, named by the SHA-256 of its cookie's token."""

    id: str
    account_id: int
    last_seen_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    person_key: str | None
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class CoachedPerson:
    """A person on a coach's list, with their last stored decision (None if never decided)."""

    key: str
    name: str
    stage: int | None
    status: str | None
    clear_to_train: bool | None
    as_of: dt.date | None
    summary: dict[str, Any] | None
    has_account: bool


SIGN_UP = "(sign-up)"  # the email of a sign_in_attempts row that counts a sign-up
RESET = "(reset)"  # ... and of one that counts a "forgot password" request


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_ACCOUNT_COLS = (t.accounts.c.id, t.accounts.c.email, t.accounts.c.name, t.accounts.c.role,
                 t.people.c.key, t.accounts.c.session_version, t.accounts.c.password_hash,
                 t.accounts.c.must_change_password, t.accounts.c.email_confirmed,
                 t.accounts.c.alert_emails, t.accounts.c.time_zone)


def _account(row: Any) -> Account:
    return Account(*row)


class AccountRepository:
    """Accounts and everything hung on them, inside one unit of work's session."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _person_id(self, key: str) -> int:
        pid = self._conn.execute(
            select(t.people.c.id).where(t.people.c.key == key)).scalar_one_or_none()
        if pid is None:
            raise NotFoundError("person", key)
        return int(pid)

    def _one(self, where: Any) -> Account | None:
        row = self._conn.execute(
            select(*_ACCOUNT_COLS).select_from(
                t.accounts.outerjoin(t.people, t.people.c.id == t.accounts.c.person_id))
            .where(where)).one_or_none()
        return _account(row) if row is not None else None

    # -- accounts --------------------------------------------------------------------------

    def add(self, *, email: str, name: str, role: str, password_hash: str,
            person_key: str | None = None, must_change_password: bool = False,
            email_confirmed: bool = True) -> Account:
        """Create an account; ConflictError if the email is taken."""
        person_id = self._person_id(person_key) if person_key else None
        try:
            with self._conn.begin_nested():
                new_id = self._conn.execute(
                    insert(t.accounts).returning(t.accounts.c.id),
                    {"email": email, "name": name, "role": role, "password_hash": password_hash,
                     "person_id": person_id, "session_version": 1, "created_at": _now(),
                     "must_change_password": must_change_password,
                     "email_confirmed": email_confirmed},
                ).scalar_one()
        except IntegrityError as e:
            raise ConflictError(f"An account with the email {email!r} already exists.") from e
        account = self.by_id(int(new_id))
        assert account is not None
        return account

    def by_id(self, account_id: int) -> Account | None:
        return self._one(t.accounts.c.id == account_id)

    def by_email(self, email: str) -> Account | None:
        return self._one(t.accounts.c.email == email)

    def by_person(self, key: str) -> Account | None:
        """The client or self-coached account that signs in as this person, if any."""
        return self._one(t.people.c.key == key)

    def set_password(self, account_id: int, password_hash: str, *,
                     must_change: bool | None = None) -> None:
        """Replace the password. Ending sessions and tokens is the caller's part
        (:meth:`end_sessions`, :meth:`delete_tokens`). ``must_change``: True when someone
        else chose it (the person is then asked for their own after signing in with it),
        False when the person chose it, None to leave that as it was (a rehash)."""
        values: dict[str, Any] = {"password_hash": password_hash}
        if must_change is not None:
            values["must_change_password"] = must_change
        self._conn.execute(update(t.accounts).where(t.accounts.c.id == account_id)
                              .values(**values))

    def require_password_change(self, account_id: int) -> None:
        """The person must choose their own password before anything else."""
        self._conn.execute(update(t.accounts).where(t.accounts.c.id == account_id)
                              .values(must_change_password=True))

    def set_alert_emails(self, account_id: int, on: bool) -> None:
        self._conn.execute(update(t.accounts).where(t.accounts.c.id == account_id)
                              .values(alert_emails=on))

    def confirm_email(self, account_id: int) -> None:
        self._conn.execute(update(t.accounts).where(t.accounts.c.id == account_id)
                              .values(email_confirmed=True))

    def set_time_zone(self, account_id: int, zone: str | None) -> None:
        """The account's time zone (an IANA name the caller has checked), or None: unknown."""
        self._conn.execute(update(t.accounts).where(t.accounts.c.id == account_id)
                              .values(time_zone=zone))

    def set_name(self, account_id: int, name: str) -> None:
        self._conn.execute(update(t.accounts).where(t.accounts.c.id == account_id)
                              .values(name=name))

    # -- web sessions ----------------------------------------------------------------------

    def add_web_session(self, session_id: str, account_id: int, now: dt.datetime,
                        expires_at: dt.datetime) -> None:
        self._conn.execute(insert(t.web_sessions), {
            "id": session_id, "account_id": account_id, "created_at": now,
            "last_seen_at": now, "expires_at": expires_at})

    def web_session(self, session_id: str) -> WebSession | None:
        ws = t.web_sessions
        row = self._conn.execute(
            select(ws.c.id, ws.c.account_id, ws.c.last_seen_at, ws.c.expires_at)
            .where(ws.c.id == session_id)).one_or_none()
        return WebSession(*row) if row is not None else None

    def touch_web_session(self, session_id: str, now: dt.datetime,
                          expires_at: dt.datetime) -> None:
        self._conn.execute(update(t.web_sessions).where(t.web_sessions.c.id == session_id)
                              .values(last_seen_at=now, expires_at=expires_at))

    def delete_web_session(self, session_id: str) -> None:
        self._conn.execute(delete(t.web_sessions).where(t.web_sessions.c.id == session_id))

    def end_sessions(self, account_id: int, *, keep: str | None = None) -> int:
        """Sign out everywhere (but the session ``keep``, if given); how many were ended."""
        cond = t.web_sessions.c.account_id == account_id
        if keep is not None:
            cond = cond & (t.web_sessions.c.id != keep)
        result = self._conn.execute(delete(t.web_sessions).where(cond))
        return int(getattr(result, "rowcount", 0) or 0)

    def delete_expired_web_sessions(self, now: dt.datetime) -> None:
        self._conn.execute(delete(t.web_sessions).where(t.web_sessions.c.expires_at < now))

    def web_session_count(self, account_id: int) -> int:
        return int(self._conn.execute(
            select(func.count()).select_from(t.web_sessions)
            .where(t.web_sessions.c.account_id == account_id)).scalar_one())

    def delete(self, account_id: int) -> None:
        """Delete an account (its tokens go with it; audit entries keep the actor's email)."""
        self._conn.execute(delete(t.accounts).where(t.accounts.c.id == account_id))

    def link_person(self, account_id: int, key: str) -> None:
        self._conn.execute(update(t.accounts).where(t.accounts.c.id == account_id)
                              .values(person_id=self._person_id(key)))

    def all(self) -> list[Account]:
        rows = self._conn.execute(
            select(*_ACCOUNT_COLS).select_from(
                t.accounts.outerjoin(t.people, t.people.c.id == t.accounts.c.person_id))
            .order_by(t.accounts.c.email))
        return [_account(row) for row in rows]

    def count(self) -> int:
        return int(self._conn.execute(select(func.count()).select_from(t.accounts))
                   .scalar_one())

    # -- coaching --------------------------------------------------------------------------

    def set_coach(self, key: str, coach_id: int) -> None:
        pid = self._person_id(key)
        self._conn.execute(delete(t.coaching).where(t.coaching.c.person_id == pid))
        self._conn.execute(insert(t.coaching), {"person_id": pid, "coach_id": coach_id})

    def coach_of(self, key: str) -> int | None:
        return self._conn.execute(
            select(t.coaching.c.coach_id).join(t.people, t.people.c.id == t.coaching.c.person_id)
            .where(t.people.c.key == key)).scalar_one_or_none()

    def coached(self, coach_id: int) -> list[CoachedPerson]:
        """A coach's people, by name, each with their stored decision (one query)."""
        p, d, c, a = t.people, t.decisions, t.coaching, t.accounts
        stmt = (select(p.c.key, p.c.name, d.c.stage, d.c.status, d.c.clear_to_train, d.c.as_of,
                       d.c.summary, a.c.id)
                .select_from(c.join(p, p.c.id == c.c.person_id)
                             .outerjoin(d, d.c.person_id == p.c.id)
                             .outerjoin(a, a.c.person_id == p.c.id))
                .where(c.c.coach_id == coach_id)
                .order_by(p.c.name, p.c.key))
        return [CoachedPerson(key, name, stage, status,
                              None if clear is None else bool(clear), as_of,
                              dict(summary) if summary is not None else None, acc is not None)
                for key, name, stage, status, clear, as_of, summary, acc
                in self._conn.execute(stmt)]

    def is_coached_by(self, key: str, coach_id: int) -> bool:
        return self.coach_of(key) == coach_id

    # -- API tokens ------------------------------------------------------------------------

    def add_token(self, account_id: int, name: str, token_hash: str) -> int:
        return int(self._conn.execute(
            insert(t.api_tokens).returning(t.api_tokens.c.id),
            {"account_id": account_id, "name": name, "token_hash": token_hash,
             "created_at": _now()}).scalar_one())

    TOKEN_USE_EVERY = dt.timedelta(hours=1)
    """A token's last-used time is kept to within this much, so that reads stay reads."""

    token_to_touch: str | None = None
    """Set by :meth:`account_for_token` to the hash of a token whose last-used time is due to
    be stamped (:meth:`touch_token`, in a short write of its own), else None."""

    def account_for_token(self, token_hash: str) -> Account | None:
        """The token's account. Reads only: whether the last-used time is due (unset, or
        older than :data:`TOKEN_USE_EVERY`) is left in :attr:`token_to_touch`."""
        at = t.api_tokens
        due = or_(at.c.last_used_at.is_(None), at.c.last_used_at < _now() - self.TOKEN_USE_EVERY)
        row = self._conn.execute(
            select(at.c.account_id, due).where(at.c.token_hash == token_hash)).one_or_none()
        self.token_to_touch = token_hash if row is not None and row[1] else None
        return None if row is None else self.by_id(int(row[0]))

    def touch_token(self, token_hash: str) -> bool:
        """Stamp the token's last-used time, unless it was stamped within the hour; whether
        it was (throttled in SQL, so many requests at once write it once)."""
        at = t.api_tokens
        now = _now()
        result = self._conn.execute(
            update(at).where(at.c.token_hash == token_hash,
                             or_(at.c.last_used_at.is_(None),
                                 at.c.last_used_at < now - self.TOKEN_USE_EVERY))
            .values(last_used_at=now))
        return bool(getattr(result, "rowcount", 0))

    def tokens(self, account_id: int) -> list[ApiToken]:
        at = t.api_tokens
        rows = self._conn.execute(
            select(at.c.id, at.c.name, at.c.created_at, at.c.last_used_at)
            .where(at.c.account_id == account_id).order_by(at.c.id))
        return [ApiToken(*row) for row in rows]

    def delete_tokens(self, account_id: int) -> int:
        """Every API token of the account stops working; how many there were."""
        result = self._conn.execute(
            delete(t.api_tokens).where(t.api_tokens.c.account_id == account_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def delete_token(self, account_id: int, token_id: int) -> bool:
        result = self._conn.execute(
            delete(t.api_tokens).where(t.api_tokens.c.id == token_id,
                                       t.api_tokens.c.account_id == account_id))
        return bool(getattr(result, "rowcount", 0))

    # -- calendar feeds --------------------------------------------------------------------

    def set_feed(self, key: str, token_hash: str) -> None:
        """The person's feed is now the one whose token has this SHA-256 (the old one ends)."""
        pid = self._person_id(key)
        self._conn.execute(delete(t.calendar_feeds).where(t.calendar_feeds.c.person_id == pid))
        self._conn.execute(insert(t.calendar_feeds),
                              {"person_id": pid, "token_hash": token_hash, "created_at": _now()})

    def feed_made_at(self, key: str) -> dt.datetime | None:
        """When the person's current feed address was made; None if they have none."""
        return self._conn.execute(
            select(t.calendar_feeds.c.created_at)
            .where(t.calendar_feeds.c.person_id == self._person_id(key))).scalar_one_or_none()

    def delete_feed(self, key: str) -> None:
        self._conn.execute(delete(t.calendar_feeds)
                              .where(t.calendar_feeds.c.person_id == self._person_id(key)))

    def person_for_feed(self, token_hash: str) -> str | None:
        return self._conn.execute(
            select(t.people.c.key).join(t.calendar_feeds,
                                        t.calendar_feeds.c.person_id == t.people.c.id)
            .where(t.calendar_feeds.c.token_hash == token_hash)).scalar_one_or_none()

    # -- links sent by email (password resets, invitations) --------------------------------

    def add_mail_token(self, *, account_id: int, purpose: str, token_hash: str,
                       now: dt.datetime, expires_at: dt.datetime) -> None:
        self._conn.execute(insert(t.mail_tokens), {
            "account_id": account_id, "purpose": purpose, "token_hash": token_hash,
            "created_at": now, "expires_at": expires_at, "used_at": None})

    def mail_token(self, token_hash: str, purpose: str) -> MailToken | None:
        mt = t.mail_tokens
        row = self._conn.execute(
            select(mt.c.id, mt.c.account_id, mt.c.created_at, mt.c.expires_at, mt.c.used_at)
            .where(mt.c.token_hash == token_hash, mt.c.purpose == purpose)).first()
        return MailToken(*row) if row else None

    def use_mail_token(self, token_id: int, now: dt.datetime) -> bool:
        """Marks the link used; False if it already was (two tabs racing: one wins)."""
        mt = t.mail_tokens
        result = self._conn.execute(update(mt).where(mt.c.id == token_id,
                                                        mt.c.used_at.is_(None))
                                       .values(used_at=now))
        return bool(getattr(result, "rowcount", 0))

    def mail_tokens_since(self, account_id: int, purpose: str, since: dt.datetime) -> int:
        mt = t.mail_tokens
        return int(self._conn.execute(
            select(func.count()).select_from(mt).where(
                mt.c.account_id == account_id, mt.c.purpose == purpose,
                mt.c.created_at >= since)).scalar_one())

    def end_mail_tokens(self, account_id: int, purpose: str, now: dt.datetime) -> None:
        """Every unused link of this kind stops working (a newer one, or the password set)."""
        mt = t.mail_tokens
        self._conn.execute(update(mt).where(mt.c.account_id == account_id,
                                               mt.c.purpose == purpose, mt.c.used_at.is_(None))
                              .values(used_at=now))

    # -- the outbox: emails queued with what caused them, sent once --------------------------

    def queue_mail(self, *, key: str, account_id: int, template: str, values: dict[str, Any],
                   now: dt.datetime) -> bool:
        """Queue an email unless one with this ``key`` was ever queued; True if queued."""
        ob = t.outbox
        if self._conn.execute(select(ob.c.id).where(ob.c.key == key)).first() is not None:
            return False
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(ob), {
                    "key": key, "account_id": account_id, "template": template,
                    "values": values, "created_at": now, "attempts": 0})
        except IntegrityError:
            return False  # queued a moment ago by another writer
        return True

    def claim_mail(self, *, now: dt.datetime, stale_before: dt.datetime, limit: int,
                   max_attempts: int) -> list[QueuedMail]:
        """Claim up to ``limit`` unsent emails (not claimed, or claimed before
        ``stale_before`` by a sender that died), oldest first. Each is claimed by one
        sender only: the claim is a conditional update."""
        ob = t.outbox
        free = (ob.c.sent_at.is_(None) & (ob.c.attempts < max_attempts)
                & (ob.c.claimed_at.is_(None) | (ob.c.claimed_at < stale_before)))
        rows = self._conn.execute(
            select(ob.c.id, ob.c.key, ob.c.account_id, ob.c.template, ob.c["values"],
                   ob.c.created_at, ob.c.attempts)
            .where(free).order_by(ob.c.created_at, ob.c.id).limit(limit)).all()
        claimed = []
        for row in rows:
            result = self._conn.execute(update(ob).where(ob.c.id == row[0], free)
                                           .values(claimed_at=now))
            if getattr(result, "rowcount", 0):
                claimed.append(QueuedMail(row[0], row[1], row[2], row[3], dict(row[4]),
                                          row[5], row[6]))
        return claimed

    def mail_sent(self, mail_id: int, now: dt.datetime) -> None:
        self._conn.execute(update(t.outbox).where(t.outbox.c.id == mail_id)
                              .values(sent_at=now, last_error=None))

    def mail_failed(self, mail_id: int, error: str, *, final: bool = False) -> None:
        """Count a failed try (``final``: never try again)."""
        ob = t.outbox
        self._conn.execute(update(ob).where(ob.c.id == mail_id).values(
            attempts=10_000 if final else ob.c.attempts + 1, claimed_at=None,
            last_error=error[:2000]))

    def queued_mail(self, account_id: int | None = None) -> list[tuple[str, dt.datetime | None,
                                                                       int, str | None]]:
        """(key, sent_at, attempts, last_error) of the queued emails, oldest first."""
        ob = t.outbox
        q = select(ob.c.key, ob.c.sent_at, ob.c.attempts, ob.c.last_error).order_by(ob.c.id)
        if account_id is not None:
            q = q.where(ob.c.account_id == account_id)
        return [(r[0], r[1], r[2], r[3]) for r in self._conn.execute(q)]

    # -- failed sign-ins (and sign-ups, counted per address under the email SIGN_UP) -------

    def add_failed_sign_in(self, email: str, address: str, at: dt.datetime) -> None:
        self._conn.execute(insert(t.sign_in_attempts),
                              {"email": email, "address": address, "at": at})

    def failed_sign_ins(self, *, since: dt.datetime, email: str | None = None,
                        address: str | None = None) -> list[dt.datetime]:
        """When the failed sign-ins for this email and/or address since ``since`` happened,
        oldest first (sign-ups, kept here under the email ``SIGN_UP``, only when asked for
        by that email)."""
        sa_ = t.sign_in_attempts
        conds = [sa_.c.at >= since,
                 sa_.c.email == email if email is not None
                 else sa_.c.email.not_in((SIGN_UP, RESET))]
        if address is not None:
            conds.append(sa_.c.address == address)
        return list(self._conn.execute(
            select(sa_.c.at).where(*conds).order_by(sa_.c.at)).scalars())

    def forget_sign_ins_before(self, before: dt.datetime) -> int:
        """Delete every failed sign-in (and sign-up, and link request) older than ``before``;
        how many went."""
        r = self._conn.execute(delete(t.sign_in_attempts)
                                  .where(t.sign_in_attempts.c.at < before))
        return int(getattr(r, "rowcount", 0) or 0)

    def clear_failed_sign_ins(self, email: str) -> None:
        self._conn.execute(delete(t.sign_in_attempts).where(t.sign_in_attempts.c.email == email))

    # -- audit log -------------------------------------------------------------------------

    def audit(self, *, account_id: int | None, actor: str, action: str,
              person_key: str | None = None, detail: dict[str, Any] | None = None) -> None:
        pid = self._person_id(person_key) if person_key else None
        self._conn.execute(insert(t.audit_log), {
            "at": _now(), "account_id": account_id, "actor": actor, "person_id": pid,
            "action": action, "detail": {**(detail or {}), **({"person": person_key}
                                                              if person_key else {})}})

    def audit_for(self, key: str, limit: int = 200) -> Sequence[AuditEntry]:
        al = t.audit_log
        rows = self._conn.execute(
            select(al.c.at, al.c.actor, al.c.action, al.c.detail)
            .where(al.c.person_id == self._person_id(key))
            .order_by(al.c.at.desc(), al.c.id.desc()).limit(limit))
        return [AuditEntry(at, actor, key, action, dict(detail))
                for at, actor, action, detail in rows]
