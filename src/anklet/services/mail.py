"""Email: messages written from templates in Anklet's own words, sent through any SMTP server.

The server comes from ``ANKLET_SMTP_URL`` (see :class:`anklet.settings.SmtpServer`):
``smtps://`` speaks TLS from the first byte, ``smtp://`` upgrades with STARTTLS before it
sends anything, and refuses to go on in clear unless the server is on this computer and no
password would be sent. Certificates are checked against the system's trusted authorities.

Without a server nothing is sent, and every feature that would email someone shows the
link to the coach or the operator instead (each caller says so on its page).

Templates live in ``anklet/data/mail``: ``NAME.txt`` (first line ``Subject: …``, a blank
line, then the plain-text body) and, optionally, ``NAME.html`` (the same message for mail
programs that show HTML). Both get the same values.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from functools import cache

import jinja2

from anklet.settings import Settings, SmtpServer

TIMEOUT_S = 30.0


class MailError(Exception):
    """Why a message could not be sent, in plain words (never the password)."""


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("anklet", "data/mail"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=False),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def compose(template: str, /, *, to: str, **values: object) -> Message:
    """The message ``template`` for ``to``, filled with ``values``."""
    env = _env()
    text = env.get_template(f"{template}.txt").render(**values)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"mail template {template}.txt must start with 'Subject: '")
    try:
        html: str | None = env.get_template(f"{template}.html").render(**values)
    except jinja2.TemplateNotFound:
        html = None
    return Message(to=to, subject=first.removeprefix("Subject: ").strip(),
                   text=body.lstrip("\n"), html=html)


def sender(settings: Settings, server: SmtpServer) -> str:
    """``ANKLET_MAIL_FROM``, else the SMTP user name when it is an address, else
    anklet@ the server's host."""
    if settings.mail_from:
        return settings.mail_from
    if "@" in server.username:
        return f"Anklet <{server.username}>"
    return f"Anklet <anklet@{server.host}>"


def build(message: Message, *, sender_address: str, now: dt.datetime | None = None
          ) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender_address
    msg["To"] = message.to
    msg["Subject"] = message.subject
    msg["Date"] = formatdate((now or dt.datetime.now(dt.UTC)).timestamp(), localtime=False)
    domain = parseaddr(sender_address)[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid("anklet", domain=domain)
    for k, v in message.headers.items():
        msg[k] = v
    msg.set_content(message.text)
    if message.html is not None:
        msg.add_alternative(message.html, subtype="html")
    return msg


def _where(server: SmtpServer) -> str:
    return f"{server.host}:{server.port}"


def send(settings: Settings, message: Message) -> str:
    """Sends ``message`` through the configured server and says how the connection was
    secured ("TLS", "STARTTLS", or "unencrypted, on this computer"); MailError saying
    plainly why not (no server set, refused, TLS, authentication, the address refused)."""
    server = settings.smtp_server()
    if server is None:
        raise MailError("No mail server is set (ANKLET_SMTP_URL is empty), so no email can "
                        "be sent.")
    email = build(message, sender_address=sender(settings, server))
    where = _where(server)
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP
        if server.tls == "implicit":
            smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_S,
                                    context=context)
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_S)
        secured = "TLS"
        with smtp:
            smtp.ehlo()
            if server.tls == "starttls":
                secured = "STARTTLS"
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif server.username or not server.loopback:
                    raise MailError(
                        f"The mail server at {where} does not offer STARTTLS, so the message "
                        "(and any password) would travel unencrypted; nothing was sent. Use "
                        "smtps:// if the server speaks TLS from the start.")
                else:
                    secured = "unencrypted, on this computer"
            if server.username:
                smtp.login(server.username, server.password)
            smtp.send_message(email)
        return secured
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise MailError(f"The mail server at {where} refused the user name or password in "
                        "ANKLET_SMTP_URL.") from None
    except smtplib.SMTPRecipientsRefused:
        raise MailError(f"The mail server at {where} refused the address {message.to}.") from None
    except smtplib.SMTPSenderRefused as e:
        raise MailError(f"The mail server at {where} refused the sender "
                        f"{e.sender!s}: set ANKLET_MAIL_FROM to an address it accepts.") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"The mail server at {where} does not accept a user name and "
                        "password here; check ANKLET_SMTP_URL.") from None
    except ssl.SSLCertVerificationError as e:
        raise MailError(f"The mail server at {where} showed a certificate this computer does "
                        f"not trust ({e.verify_message}); nothing was sent.") from None
    except (ssl.SSLError, smtplib.SMTPServerDisconnected) as e:
        hint = (" Is it a STARTTLS port? Then use smtp:// instead of smtps://."
                if server.tls == "implicit" else "")
        raise MailError(f"A secure connection to the mail server at {where} failed "
                        f"({e}).{hint}") from None
    except socket.gaierror:
        raise MailError(f"The mail server's name {server.host} could not be found.") from None
    except ConnectionRefusedError:
        raise MailError(f"The mail server at {where} refused the connection: is it running, "
                        "and is that the right port?") from None
    except TimeoutError:
        raise MailError(f"The mail server at {where} did not answer within "
                        f"{TIMEOUT_S:.0f} seconds.") from None
    except (smtplib.SMTPException, OSError) as e:
        raise MailError(f"The mail server at {where} could not take the message ({e}).") from None
