"""What the web tests share: a browser-like client and the set-up helpers.

Imported by the tests as ``webtools`` (``conftest`` is a different module in each test
folder, so it is never imported by name).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from anklet.domain.history import Intake
from anklet.services import accounts as account_service
from anklet.services.context import Context

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


class WebClient(TestClient):
    """One browser: cookies kept, CSRF token added to forms, redirects not followed."""

    account_email: str | None = None
    person_key: str | None = None

    def csrf(self) -> str:
        page = self.get("/sign-in" if self.account_email is None else "/account")
        if page.status_code == 303:  # sent on (to choose a password first, say)
            page = self.get(page.headers["location"])
        m = _CSRF.search(page.text)
        assert m, f"no CSRF token on {page.url}"
        return m.group(1)

    def form(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        payload = {"csrf_token": self.csrf(), **(data or {})}
        return self.post(url, data=payload, **kw)

    def sign_in(self, email: str, password: str = PASSWORD) -> Any:
        self.account_email = None
        r = self.form("/sign-in", {"email": email, "password": password})
        if r.status_code == 303:
            self.account_email = email
        return r


@dataclass
class Web:
    app: FastAPI
    ctx: Context

    def browser(self) -> WebClient:
        return WebClient(self.app, follow_redirects=False)

    def account(self, role: str, email: str, name: str = "Someone", *,
                coach_email: str | None = None, person_key: str | None = None) -> WebClient:
        """Create an account (and its person, for self or client) and sign a browser in."""
        with self.ctx.uow() as uow:
            if role == "client" and person_key is None:
                coach = uow.accounts.by_email(coach_email or "")
                assert coach is not None, "a client needs its coach made first"
                person_key = account_service.add_client(
                    uow, coach=coach, name=name,
                    intake=Intake(date=dt.date.today() - dt.timedelta(days=21))).person.id
            account = account_service.create_account(uow, email=email, name=name,
                                                     password=PASSWORD, role=role,
                                                     person_key=person_key)
            uow.commit()
        b = self.browser()
        r = b.sign_in(email)
        assert r.status_code == 303, r.text
        b.person_key = account.person_key
        return b

    def add_client(self, coach_email: str, name: str) -> str:
        """A client on the coach's list (no sign-in of their own); returns the person id."""
        with self.ctx.uow() as uow:
            coach = uow.accounts.by_email(coach_email)
            assert coach is not None
            key = account_service.add_client(
                uow, coach=coach, name=name,
                intake=Intake(date=dt.date.today() - dt.timedelta(days=21))).person.id
            uow.commit()
        return key
