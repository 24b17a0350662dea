"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the email tests.

``Mailbox.start()`` listens on a free port; ``tls=True`` offers STARTTLS with a self-signed
certificate made by ``openssl`` (the client trusts it through ``SSL_CERT_FILE``, as a
server's real authority would be trusted); ``implicit=True`` speaks TLS from the first byte;
``logins`` makes it require a user name and password (over TLS only, as real servers do).
"""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate (apt-get install openssl)")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@dataclass
class Mailbox:
    """What the server received, as parsed messages, oldest first."""

    port: int = 0
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                          policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 OK"

    def start(self, *, tls_files: tuple[Path, Path] | None = None, implicit: bool = False,
              logins: dict[str, str] | None = None) -> Mailbox:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any
                  ) -> AuthResult:
            ok = (isinstance(data, LoginPassword) and logins is not None
                  and logins.get(data.login.decode()) == data.password.decode())
            return AuthResult(success=ok, handled=False)

        context = None
        if tls_files is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls_files[0]), str(tls_files[1]))
        options: dict[str, Any] = {}
        if logins is not None:
            options.update(authenticator=check, auth_required=True)
        if context is not None and not implicit:
            options.update(tls_context=context, require_starttls=False)
        self.port = free_port()
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port,
            ssl_context=context if implicit else None, ready_timeout=90, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def wait(self, count: int = 1, seconds: float = 90) -> list[EmailMessage]:
        """The messages, once at least ``count`` have arrived (a busy machine is slow)."""
        deadline = time.monotonic() + seconds
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} message(s) expected, {len(self.received)} came")
            time.sleep(0.05)
        return self.received

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    @staticmethod
    def html(message: EmailMessage) -> str | None:
        part = message.get_body(preferencelist=("html",))
        return None if part is None else str(part.get_content())
