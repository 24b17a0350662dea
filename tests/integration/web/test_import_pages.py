"""Adding watch files, exports and calendars from the web: the same importer and per-file
report as ``anklet import``, a bad file refused on its own, and the upload limits named. Real
files from ``shared/data/activities`` and files made here. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from webtools import Web, WebClient

from anklet.web.pages import imports

SHARED = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "activities"
          ).resolve()
IN_A_WEEK = dt.date.today() + dt.timedelta(days=7)


def real(name: str) -> bytes:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"the real activity files are not at {SHARED}")
    return path.read_bytes()


def calendar() -> bytes:
    day = IN_A_WEEK.strftime("%Y%m%d")
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nX-WR-CALNAME:Races\r\n"
            f"BEGIN:VEVENT\r\nUID:long-1@test\r\nDTSTAMP:{day}T060000Z\r\n"
            f"DTSTART;VALUE=DATE:{day}\r\nSUMMARY:Long run 90 min\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n").encode()


def upload(b: WebClient, key: str, files: list[tuple[str, bytes]]) -> Any:
    return b.post(f"/people/{key}/imports", data={"csrf_token": b.csrf()},
                  files=[("files", (name, data, "application/octet-stream"))
                         for name, data in files])


def _stored(web: Web, key: str) -> tuple[int, int]:
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
        return len(uow.people.recorded_activities(key)), len(h.planned_runs)


def test_client_adds_watch_files_and_sees_a_report_per_file(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    assert client_of_coach.get("/me/imports").headers["location"] == f"/people/{key}/imports"
    page = client_of_coach.get(f"/people/{key}/imports")
    assert page.status_code == 200
    assert 'type="file"' in page.text
    assert "Up to 50 files" in page.text

    r = upload(client_of_coach, key, [
        ("fenix2-run.fit", real("activity-small-fenix2-run.fit")),
        ("lake.gpx.gz", gzip.compress(real("cerknicko-jezero.gpx"))),
        ("broken.fit", real("activity-unexpected-eof.fit")),
        ("daily.fit", real("MonitoringFile.fit")),
        ("races.ics", calendar()),
    ])
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert "3 added, 0 already here, 1 passed over, 1 refused." in text
    assert "a 47 min run" in text
    assert "on Sat 15 Aug 2015" in text  # dates as a page says them
    assert "2015-08-15" not in text
    assert 'class="refused"><span class="status">Refused</span> <strong>broken.fit' in text
    assert "Nothing of a refused file was stored" in text
    assert _stored(web, key) == (2, 1)  # the run and the lake walk; one planned run

    # the same files again: duplicates, nothing stored twice
    r = upload(client_of_coach, key, [("again.fit", real("activity-small-fenix2-run.fit"))])
    assert "0 added, 1 already here" in html.unescape(r.text)
    assert _stored(web, key) == (2, 1)


def test_a_zip_export_is_opened_and_reported_file_by_file(
        web: Web, self_coached: WebClient) -> None:
    key = self_coached.person_key or ""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("activities/1.fit", real("garmin-fenix-5-run.fit"))
        z.writestr("activities/2.gpx", real("korita-zbevnica.gpx"))
        z.writestr("activities/3.fit", real("activity-settings-corruptheader.fit"))
        z.writestr("notes.txt", b"not an activity")
    r = upload(self_coached, key, [("export.zip", packed.getvalue())])
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert "export.zip:activities/1.fit" in text
    assert "2 added" in text
    assert "1 refused" in text
    assert _stored(web, key)[0] == 2


def test_coach_adds_files_for_their_client(web: Web, coach: WebClient,
                                           client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    page = coach.get(f"/people/{key}/imports")
    assert "Cleo Client: add runs from files" in page.text
    r = upload(coach, key, [("run.fit", real("Activity.fit"))])
    assert "1 added" in html.unescape(r.text)
    assert _stored(web, key)[0] == 1


def test_no_file_chosen_is_a_clear_error(web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    r = client_of_coach.post(f"/people/{key}/imports",
                             data={"csrf_token": client_of_coach.csrf()})
    assert r.status_code == 422
    assert "Choose at least one file" in r.text


def test_too_many_files_stores_none_of_them(web: Web, client_of_coach: WebClient,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    key = client_of_coach.person_key or ""
    monkeypatch.setattr(imports, "MAX_FILES", 2)
    r = upload(client_of_coach, key, [(f"{i}.ics", calendar()) for i in range(3)])
    assert r.status_code == 422
    assert "That is 3 files; up to 2 can be sent at once" in r.text
    assert _stored(web, key) == (0, 0)


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
        web: Web, client_of_coach: WebClient, monkeypatch: pytest.MonkeyPatch) -> None:
    key = client_of_coach.person_key or ""
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 2 * imports.MiB)
    r = upload(client_of_coach, key, [("big.gpx", b"<gpx>" + b" " * (3 * imports.MiB))])
    assert r.status_code == 413
    assert "That upload is 3 MB; up to 2 MB can be sent at once" in r.text
    assert "Nothing was stored" in r.text
    assert _stored(web, key) == (0, 0)


def test_a_file_over_the_importers_limit_is_refused_by_name(web: Web,
                                                           client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    limit = imports.DEFAULT_LIMITS.file_bytes
    big = b"<gpx>" + b" " * limit
    r = upload(client_of_coach, key, [("huge.gpx", big), ("races.ics", calendar())])
    text = html.unescape(r.text)
    assert "1 added" in text
    assert "huge.gpx</strong>: it is 64 MB; files over 64 MB are not imported" in text
    assert _stored(web, key) == (0, 1)
