"""``anklet serve`` (the web app) and ``anklet account`` (accounts, for whoever runs Anklet).

Registered on the main app when :mod:`anklet.cli.app` loads. There is no mail server, so
accounts are created and passwords reset here.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table

from anklet.cli.app import JsonOpt, app, ctx, emit, out
from anklet.domain.errors import InputError
from anklet.services import accounts as account_service
from anklet.services import evaluation, people

account_app = typer.Typer(help="Create accounts and reset passwords (there is no mail server).",
                          no_args_is_help=True)
app.add_typer(account_app, name="account")

DEMO_COACH = ("coach@demo.anklet", "Demo Coach", "demo-coach-password")
DEMO_CLIENT = ("runner@demo.anklet", "demo-runner", "demo-client-password")


def _password(given: str | None, prompt: str) -> str:
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise InputError("password", None, "a password: give --password, or run this in a "
                         "terminal to be asked for one")
    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass("Again: ") != first:
        raise InputError("password", "(hidden)", "the same password twice")
    return first


PasswordOpt = Annotated[str | None, typer.Option(
    "--password", help="The password (asked for in a terminal if left out).")]


@account_app.command("create")
def create(
    email: Annotated[str, typer.Argument(help="The email address used to sign in.")],
    name: Annotated[str, typer.Option("--name", help="The name shown in the app.")],
    role: Annotated[str, typer.Option("--role", help="coach, client or self.")] = "coach",
    person: Annotated[str | None, typer.Option(
        "--person", help="For a client (or self): the person id they sign in as.")] = None,
    coach: Annotated[str | None, typer.Option(
        "--coach", help="For a client: the coach's email; the coach then sees this person.")
    ] = None,
    password: PasswordOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an account."""
    pw = _password(password, "Password")
    c = ctx()
    with c.uow() as uow:
        account = account_service.create_account(uow, email=email, name=name, password=pw,
                                                 role=role, person_key=person,
                                                 coach_email=coach)
        uow.accounts.audit(account_id=None, actor="admin", action="account_created",
                           person_key=account.person_key,
                           detail={"email": account.email, "role": account.role})
        uow.commit()
    data = {"email": account.email, "name": account.name, "role": account.role,
            "person": account.person_key}
    if not emit(as_json, data):
        who = f" (signs in as {account.person_key})" if account.person_key else ""
        out.print(f"Created the {account.role} account {account.email}{who}.")


@account_app.command("reset-password")
def reset_password(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    password: PasswordOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set a new password; every session of that account is signed out."""
    pw = _password(password, "New password")
    c = ctx()
    with c.uow() as uow:
        account = account_service.reset_password(uow, email=email, new=pw)
        uow.commit()
    if not emit(as_json, {"email": account.email, "reset": True}):
        out.print(f"New password set for {account.email}; their sessions are signed out.")


@account_app.command("list")
def list_accounts(as_json: JsonOpt = False) -> None:
    """Every account, with its role and (for clients) the person it signs in as."""
    c = ctx()
    with c.uow() as uow:
        rows = uow.accounts.all()
    data = [{"email": a.email, "name": a.name, "role": a.role, "person": a.person_key}
            for a in rows]
    if emit(as_json, data):
        return
    if not data:
        out.print("No accounts yet. Create one with `anklet account create EMAIL --name NAME`, "
                  "or sign up in the web app (`anklet serve`).")
        return
    table = Table("Email", "Name", "Role", "Person")
    for d in data:
        table.add_row(str(d["email"]), str(d["name"]), str(d["role"]), str(d["person"] or ""))
    out.print(table)


def demo_accounts() -> list[tuple[str, str, str]]:
    """A demo coach with the demo people, and a client account for one of them.

    Development only: the passwords are printed and well known.
    """
    from anklet.services import demo as demo_service

    c = ctx()
    made: list[tuple[str, str, str]] = []
    with c.uow() as uow:
        if uow.accounts.count():
            return made
        if not people.list(uow):
            demo_service.create(uow, protocol=c.protocol, library=c.library,
                                today=dt.date.today())
            evaluation.reevaluate_all(uow, protocol=c.protocol, library=c.library)
        email, name, pw = DEMO_COACH
        coach = account_service.create_account(uow, email=email, name=name, password=pw,
                                               role="coach")
        made.append(("coach", email, pw))
        for p in people.list(uow):
            if p.key.startswith("demo-"):
                uow.accounts.set_coach(p.key, coach.id)
        email, key, pw = DEMO_CLIENT
        if uow.people.exists(key):
            account_service.create_account(uow, email=email, name="Demo Runner", password=pw,
                                           role="client", person_key=key)
            made.append(("client", email, pw))
        uow.commit()
    return made


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on "
                                                            "(default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default 8000).")] = None,
    demo: Annotated[bool, typer.Option(
        "--demo-if-empty", help="With no accounts yet, add a demo coach and client (with the "
                                "demo people) and print how to sign in. Development only.")
    ] = False,
) -> None:
    """Start the web app (coach and client pages, and the JSON API)."""
    import uvicorn

    from anklet.web.app import create_app

    c = ctx()
    settings = c.settings
    settings.check_for_web()
    if demo and settings.environment == "development":
        made = demo_accounts()
        for role, email, pw in made:
            out.print(f"Demo {role}: sign in as [bold]{email}[/] with password [bold]{pw}[/]")
    host = host or settings.host
    port = port or settings.port
    web_app = create_app(settings, context=c)
    out.print(f"Anklet is running at [bold]http://{host}:{port}/[/] "
              f"(database: {settings.database_url.split('://')[0]}). Stop with Ctrl+C.")
    uvicorn.run(web_app, host=host, port=port, log_level="warning", proxy_headers=False)
