"""``anklet serve`` (the web app) and ``anklet account`` (accounts, for whoever runs Anklet).

Added to the ``anklet`` command by :mod:`anklet.cli.app`. There is no mail server, so
accounts are created and passwords reset here.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from anklet.cli.common import JsonOpt, ctx, emit, out
from anklet.domain.errors import AnkletError, InputError

account_app = typer.Typer(help="Create accounts and reset passwords (there is no mail server).",
                          no_args_is_help=True)
commands = typer.Typer()
"""``anklet serve``; :mod:`anklet.cli.app` adds it, and ``account_app`` as ``anklet account``,
to the ``anklet`` command."""

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
OneTimeOpt = Annotated[bool, typer.Option(
    "--one-time", help="A password to pass on: after signing in with it, the person has to "
                       "choose their own before anything else, and this one stops working.")]


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
    one_time: OneTimeOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Create an account."""
    from anklet.services import accounts as account_service

    pw = _password(password, "Password")
    c = ctx()
    with c.uow() as uow:
        account = account_service.create_account(uow, email=email, name=name, password=pw,
                                                 role=role, person_key=person,
                                                 coach_email=coach, one_time=one_time)
        uow.accounts.audit(account_id=None, actor="admin", action="account_created",
                           person_key=account.person_key,
                           detail={"email": account.email, "role": account.role})
        uow.commit()
    data = {"email": account.email, "name": account.name, "role": account.role,
            "person": account.person_key, "one_time": one_time}
    if not emit(as_json, data):
        who = f" (signs in as {account.person_key})" if account.person_key else ""
        then = (" After signing in with this password they choose their own."
                if one_time else "")
        out.print(f"Created the {account.role} account {account.email}{who}.{then}")


@account_app.command("reset-password")
def reset_password(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    password: PasswordOpt = None,
    one_time: OneTimeOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Set a new password; the account is signed out everywhere and its API tokens deleted."""
    from anklet.services import accounts as account_service

    pw = _password(password, "New password")
    c = ctx()
    with c.uow() as uow:
        found = uow.accounts.by_email(account_service.normalise_email(email))
        had = len(uow.accounts.tokens(found.id)) if found else 0
        account = account_service.reset_password(uow, email=email, new=pw, one_time=one_time)
        uow.commit()
    if not emit(as_json, {"email": account.email, "reset": True, "one_time": one_time,
                          "tokens_deleted": had}):
        tokens = (f" and their {had} API token{'s' if had != 1 else ''} deleted"
                  if had else "")
        then = (" After signing in with it they choose their own password."
                if one_time else "")
        out.print(f"New password set for {account.email}; they are signed out everywhere"
                  f"{tokens}.{then}")


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
    for column in table.columns:
        column.overflow = "fold"  # a narrow terminal wraps an email or id, never cuts it
    for d in data:
        table.add_row(str(d["email"]), str(d["name"]), str(d["role"]), str(d["person"] or ""))
    out.print(table)


def demo_accounts() -> list[tuple[str, str, str]]:
    """A demo coach with the demo people, and a client account for one of them.

    Development only: the passwords are printed and well known.
    """
    from anklet.services import accounts as account_service
    from anklet.services import demo as demo_service
    from anklet.services import evaluation, people

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


MAX_WORKERS = 64


def _log_config(quiet: bool) -> dict[str, Any]:
    """uvicorn's logging, plus Anklet's request log (one line per request; ``--quiet``:
    none) and its warnings (a failed health check), with the time on each line."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    from anklet.web.ops import ACCESS_LOG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["anklet"] = {"format": "%(asctime)s %(message)s",
                                      "datefmt": "%Y-%m-%d %H:%M:%S"}
    config["handlers"]["anklet"] = {"formatter": "anklet", "class": "logging.StreamHandler",
                                    "stream": "ext://sys.stdout"}
    config["loggers"][ACCESS_LOG] = {"handlers": ["anklet"], "propagate": False,
                                     "level": "WARNING" if quiet else "INFO"}
    config["loggers"]["anklet.web"] = {"handlers": ["anklet"], "propagate": False,
                                       "level": "WARNING"}
    return config


def _address(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


@commands.command("mail-test")
def mail_test(
    address: Annotated[str, typer.Argument(help="Where to send the test message.")],
    as_json: JsonOpt = False,
) -> None:
    """Send a test email through ANKLET_SMTP_URL, and say plainly what went wrong if it
    fails (refused, TLS, user name or password, the address)."""
    from anklet.cli.common import settings
    from anklet.services import accounts as account_service
    from anklet.services import mail

    s = settings()
    to = account_service.normalise_email(address)
    server = s.smtp_server()
    if server is None:
        raise InputError("ANKLET_SMTP_URL", "(empty)", SMTP_ACCEPTED_TEXT,
                         message="No mail server is set: put its address in ANKLET_SMTP_URL, "
                                 f"for example {SMTP_ACCEPTED_TEXT}.")
    message = mail.compose("test", to=to, site=s.public_url)
    try:
        secured = mail.send(s, message)
    except mail.MailError as e:
        raise MailFailedError(str(e)) from None
    via = f"{server.host}:{server.port} ({secured})"
    if not emit(as_json, {"sent": True, "to": to, "server": f"{server.host}:{server.port}",
                          "secured": secured, "from": mail.sender(s, server)}):
        out.print(f"Sent a test message to {escape(to)} through {escape(via)}, from "
                  f"{escape(mail.sender(s, server))}. Check that it arrived (and not as spam).")


@commands.command("send-mail")
def send_mail(as_json: JsonOpt = False) -> None:
    """Queue the reminders due now and send the queued emails (coaches' alerts, reminders);
    for cron when the server does not run all the time (`anklet serve` does it itself
    every 30 seconds). Each goes once; a reminder more than an hour late is not sent."""
    from anklet.cli.common import ctx as context
    from anklet.services import outbox, reminders

    c = context()
    if c.settings.smtp_server() is None:
        raise InputError("ANKLET_SMTP_URL", "(empty)", SMTP_ACCEPTED_TEXT,
                         message="No mail server is set, so nothing can be sent: put its "
                                 f"address in ANKLET_SMTP_URL, for example {SMTP_ACCEPTED_TEXT}.")
    queued = reminders.queue_due(c)
    total = outbox.Delivery()
    while True:  # batch after batch, until a batch leaves nothing claimed
        done = outbox.deliver(c)
        total = outbox.Delivery(total.sent + done.sent, total.failed + done.failed,
                                total.too_old + done.too_old)
        if done.sent + done.failed + done.too_old < outbox.BATCH:
            break
    if not emit(as_json, {"reminders_queued": queued, "sent": total.sent,
                          "failed": total.failed, "too_old": total.too_old}):
        out.print((f"Queued {queued} reminder{'s' if queued != 1 else ''}. " if queued else "")
                  + f"Sent {total.sent} email{'s' if total.sent != 1 else ''}"
                  + (f"; {total.failed} failed (tried again next time; the reason is in the "
                     "log above)" if total.failed else "")
                  + (f"; {total.too_old} too old to send" if total.too_old else "") + ".")


@commands.command("send-reminders")
def send_reminders(as_json: JsonOpt = False) -> None:
    """The same as `anklet send-mail` (reminders are queued and sent in one step, so one
    cron line does both): queue the reminders due now and send the queued emails."""
    send_mail(as_json=as_json)


SMTP_ACCEPTED_TEXT = "smtp://user:password@mail.example.org:587"


class MailFailedError(AnkletError):
    """The mail server did not take the test message (the reason is in the message)."""

    exit_code = 8


@commands.command("serve")
def serve(
    host: Annotated[str | None, typer.Option("--host", help=(
        "Address to listen on (default 127.0.0.1, this computer only). Any other address "
        "needs ANKLET_SECRET_KEY set."))] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default 8000).")] = None,
    demo: Annotated[bool, typer.Option(
        "--demo-if-empty", help="With no accounts yet, add a demo coach and client (with the "
                                "demo people) and print how to sign in. Development only.")
    ] = False,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=MAX_WORKERS,
        help="Worker processes serving requests (default 1).")] = 1,
    proxy_headers: Annotated[bool, typer.Option(
        "--proxy-headers", help="Behind a reverse proxy: believe its X-Forwarded-For and "
        "X-Forwarded-Proto headers, from the addresses in ANKLET_TRUSTED_PROXIES (default: a "
        "proxy on this computer). Setting ANKLET_TRUSTED_PROXIES turns this on too.")
    ] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", help="No request log (one line per request: method, path, status, "
                        "time).")] = False,
) -> None:
    """Start the web app (coach and client pages, and the JSON API)."""
    import os

    import uvicorn

    from anklet.cli.common import state
    from anklet.settings import get_settings
    from anklet.web.app import create_app
    from anklet.web.secret import check_listen, resolve_secret, secret_file_for

    settings = get_settings(database_url=state.db, protocol_file=state.protocol,
                            exercises_file=state.exercises)
    host = host or settings.host
    port = port or settings.port
    check_listen(host, settings)  # before anything is written
    if workers > 1 and secret_file_for(settings.database_url) is None:
        raise InputError("--workers", workers, "1 with a database in memory (each worker "
                         "would have its own); use a database file or PostgreSQL for more")
    secret = resolve_secret(settings)
    c = ctx()
    if demo and settings.environment == "development":
        made = demo_accounts()
        for role, email, pw in made:
            out.print(f"Demo {role}: sign in as [bold]{email}[/] with password [bold]{pw}[/]")
    trusted = settings.trusted_proxies or ("127.0.0.1,::1" if proxy_headers else "")
    options: dict[str, Any] = {
        "host": host, "port": port, "log_level": "warning", "access_log": False,
        "log_config": _log_config(quiet), "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None, "server_header": False}
    out.print(f"Sessions are signed with {escape(secret.describe())}.", soft_wrap=True)
    if trusted:
        out.print(f"Client addresses are read from X-Forwarded-For sent by {trusted}.")
    many = f", {workers} workers" if workers > 1 else ""
    out.print(f"Anklet is running at [bold]{_address(host, port)}[/] "
              f"(database: {settings.database_url.split('://')[0]}{many}). "
              "Stop with Ctrl+C.")
    if workers == 1:
        uvicorn.run(create_app(settings, context=c), **options)
        return
    # each worker process builds its own app from the environment, as the settings above
    for name, value in (("ANKLET_DATABASE_URL", settings.database_url),
                        ("ANKLET_PROTOCOL_FILE", settings.protocol_file),
                        ("ANKLET_EXERCISES_FILE", settings.exercises_file)):
        if value is not None:
            os.environ[name] = str(value)
    c.engine.dispose()  # the workers open their own connections
    uvicorn.run("anklet.web.app:app_from_env", factory=True, workers=workers, **options)
