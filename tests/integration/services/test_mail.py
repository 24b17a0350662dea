"""Email through a real SMTP server on loopback: what is sent, and what each failure says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from anklet.domain.errors import InputError
from anklet.services import mail
from anklet.settings import Settings, get_settings, parse_smtp_url
from mailtools import Mailbox, free_port, self_signed


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


def _settings(url: str, **kw: str) -> Settings:
    return Settings(database_url="sqlite://", smtp_url=url, **kw)


def _message(to: str = "ada@example.org") -> mail.Message:
    return mail.compose("reset", to=to, name="Ada <Lovelace>", link="https://a.example/r/t0k")


def test_send_plain_on_loopback_delivers_text_and_html(mailbox: Mailbox) -> None:
    s = _settings(f"smtp://127.0.0.1:{mailbox.port}", mail_from="Anklet <team@example.org>")
    secured = mail.send(s, _message())
    assert secured == "unencrypted, on this computer"
    (got,) = mailbox.wait()
    assert got["From"] == "Anklet <team@example.org>"
    assert got["To"] == "ada@example.org"
    assert got["Subject"] == "Choose a new Anklet password"
    assert got["Message-ID"].endswith("@example.org>")
    assert got["Date"]
    assert "https://a.example/r/t0k" in Mailbox.text(got)
    assert "Hello Ada <Lovelace>," in Mailbox.text(got)  # plain text is not escaped
    html = Mailbox.html(got)
    assert html is not None
    assert "Ada &lt;Lovelace&gt;" in html  # ... and HTML is
    assert 'href="https://a.example/r/t0k"' in html


def test_send_to_an_unknown_host_says_so() -> None:
    with pytest.raises(mail.MailError, match="could not be found"):
        mail.send(_settings("smtp://mail.invalid:25"), _message())


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True),
                                                ("::1", True), ("10.0.0.5", False),
                                                ("mail.example.org", False)])
def test_only_this_computer_may_take_mail_in_clear(host: str, loopback: bool) -> None:
    # smtp:// without STARTTLS is accepted only from a server on this computer
    server = parse_smtp_url(f"smtp://[{host}]" if ":" in host else f"smtp://{host}")
    assert server.loopback is loopback


def test_send_with_password_without_starttls_is_refused(mailbox: Mailbox) -> None:
    s = _settings(f"smtp://ann:secret@127.0.0.1:{mailbox.port}")
    with pytest.raises(mail.MailError, match="does not offer STARTTLS") as e:
        mail.send(s, _message())
    assert "secret" not in str(e.value)
    assert mailbox.received == []


def test_send_over_starttls_with_login(cert: tuple[Path, Path],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # this computer trusts the test CA
    box = Mailbox().start(tls_files=cert, logins={"ann": "s3cret pass"})
    try:
        s = _settings(f"smtp://ann:s3cret%20pass@127.0.0.1:{box.port}")
        assert mail.send(s, _message()) == "STARTTLS"
        assert len(box.wait()) == 1
        bad = _settings(f"smtp://ann:wrong@127.0.0.1:{box.port}")
        with pytest.raises(mail.MailError, match="refused the user name or password"):
            mail.send(bad, _message())
    finally:
        box.stop()


def test_send_over_implicit_tls(cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    box = Mailbox().start(tls_files=cert, implicit=True)
    try:
        assert mail.send(_settings(f"smtps://127.0.0.1:{box.port}"), _message()) == "TLS"
        assert len(box.wait()) == 1
    finally:
        box.stop()


def test_send_to_an_untrusted_certificate_is_refused(cert: tuple[Path, Path]) -> None:
    box = Mailbox().start(tls_files=cert, implicit=True)  # the system does not trust it
    try:
        with pytest.raises(mail.MailError, match="certificate this computer does not trust"):
            mail.send(_settings(f"smtps://127.0.0.1:{box.port}"), _message())
        assert box.received == []
    finally:
        box.stop()


def test_send_tls_to_a_plain_port_says_which_scheme(mailbox: Mailbox) -> None:
    with pytest.raises(mail.MailError, match="use smtp:// instead of smtps://"):
        mail.send(_settings(f"smtps://127.0.0.1:{mailbox.port}"), _message())


def test_send_to_a_closed_port_says_refused() -> None:
    with pytest.raises(mail.MailError, match="refused the connection"):
        mail.send(_settings(f"smtp://127.0.0.1:{free_port()}"), _message())


def test_send_without_a_server_says_so() -> None:
    with pytest.raises(mail.MailError, match="No mail server is set"):
        mail.send(Settings(database_url="sqlite://"), _message())


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://h:99999",
                                 "smtp://h/path", "smtp://h?x=1", "mail.example.org"])
def test_smtp_url_refused_names_the_variable(url: str) -> None:
    with pytest.raises(InputError, match="ANKLET_SMTP_URL") as e:
        get_settings(database_url="sqlite://", smtp_url=url)
    assert "smtps://" in str(e.value)


def test_smtp_url_refused_hides_the_password() -> None:
    with pytest.raises(InputError) as e:
        get_settings(database_url="sqlite://", smtp_url="smtp://ann:hunter2@h/x")
    assert "hunter2" not in str(e.value)


def test_smtp_url_defaults() -> None:
    assert parse_smtp_url("smtp://h").port == 587
    assert parse_smtp_url("smtps://h").port == 465
    s = parse_smtp_url("smtp://a%40b.org:p%2Fw@h:2525")
    assert (s.username, s.password, s.port, s.tls) == ("a@b.org", "p/w", 2525, "starttls")
    assert "p/w" not in repr(s)


@pytest.mark.parametrize("sender", ["not an address", "a@b.org\r\nBcc: x@y.org"])
def test_mail_from_refused(sender: str) -> None:
    with pytest.raises(InputError, match="ANKLET_MAIL_FROM"):
        get_settings(database_url="sqlite://", mail_from=sender)


def test_sender_falls_back_to_the_login_then_the_host() -> None:
    s = _settings("smtp://team%40example.org:pw@mail.example.org")
    server = s.smtp_server()
    assert server is not None
    assert mail.sender(s, server) == "Anklet <team@example.org>"
    s = _settings("smtp://mail.example.org")
    server = s.smtp_server()
    assert server is not None
    assert re.fullmatch(r"Anklet <anklet@mail\.example\.org>", mail.sender(s, server))
