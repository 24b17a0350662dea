"""Documents made from a plan: the printable plan (PDF and a print page) and the calendar feed.

Routes:

* ``GET /people/{key}/plan.pdf?week=YYYY-MM-DD`` — the week's plan as a PDF (WeasyPrint),
  for the person's coach, the client themself, or a self-coached person. Any date picks the
  week (Monday to Sunday) holding it; without one, this week.
* ``GET /people/{key}/plan/print?week=…`` — the same document as an HTML page, for the
  browser's own print.
* ``GET /people/{key}/calendar`` — how to subscribe, whether there is an address, and buttons
  to issue (or re-issue) and revoke it; ``POST …/calendar/issue`` and ``…/calendar/revoke``.
  Only the SHA-256 of an address's token is stored, so the address is shown once, on the
  page ``…/calendar/issue`` answers with (not cached); to see it again, make a new one.
* ``GET /calendar/{token}.ics`` — the feed itself, with no sign-in: the secret token is the
  key. An unknown or revoked token gets a bare 404 that says nothing else.

The plan of a past or current week is decided as of that week's last day or today,
whichever is earlier; a future week's plan uses today's decision. Nothing here writes
except issuing and revoking a feed.

The PDF is made with no network access: WeasyPrint's fetcher accepts only ``data:`` URLs
(the template needs none; everything is inline), and the fonts are the system's.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from anklet.domain.decisions import start_date
from anklet.domain.errors import InputError
from anklet.domain.exercises import HEEL_WARNING, Category
from anklet.domain.history import History
from anklet.domain.planner import PlanBlock, WeekPlan
from anklet.services import accounts as account_service
from anklet.services import calendar as calendar_service
from anklet.services import evaluation
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web import illustrations, progress
from anklet.web.charts import HALO, num
from anklet.web.deps import Ctx, PageAccount, PageToday, Uow, check_csrf
from anklet.web.templating import flash, render, templates

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

RUN_WORDS = calendar_service.RUN_WORDS


# --- the week's plan, as a document ---------------------------------------------------------


def week_of(value: str | None, today: dt.date) -> dt.date:
    """The Monday of the week holding ``value`` (YYYY-MM-DD), or of this week."""
    if not value:
        day = today
    else:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InputError("week", value, "a date as YYYY-MM-DD, such as "
                                             f"{today.isoformat()}") from None
    return day - dt.timedelta(days=day.weekday())


def local_only_fetcher() -> URLFetcher:
    """A WeasyPrint fetcher that fetches nothing from outside: only inline ``data:`` URLs."""
    return URLFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)


def _first_seen(plan: WeekPlan) -> dict[str, str]:
    """Exercise id -> the weekday it first appears on (its how-to is printed there)."""
    seen: dict[str, str] = {}
    for day in plan.days:
        for block in day.blocks:
            for item in block.items:
                seen.setdefault(item.exercise.id, day.weekday)
    return seen


def _has_foot_release(block: PlanBlock) -> bool:
    return any(i.exercise.category is Category.FOOT_RELEASE for i in block.items)


def plan_document(ctx: Context, history: History, week: dt.date, today: dt.date,
                  ) -> dict[str, Any]:
    """What the print template needs for the week starting ``week``."""
    as_of = min(today, week + dt.timedelta(days=6))
    ev = evaluation.evaluate(history=history, protocol=ctx.protocol, library=ctx.library,
                             as_of=as_of, week_start=week)
    stage = ctx.protocol.stage(ev.plan.stage) if ev.plan.stage else None
    return {
        "person": history.person, "key": history.person.id, "plan": ev.plan,
        "decision": ev.decision, "stage": stage, "week_start": week,
        "week_end": week + dt.timedelta(days=6), "first_seen": _first_seen(ev.plan),
        "heel_warning": HEEL_WARNING, "has_foot_release": _has_foot_release,
        "run_words": RUN_WORDS, "made_on": today, "pain": ctx.protocol.pain_monitoring,
        "prev_week": week - dt.timedelta(days=7), "next_week": week + dt.timedelta(days=7),
        "picture": illustrations.data_url,  # inline: the PDF renderer fetches nothing
    }


def _render_print(request: Request, values: dict[str, Any], *, screen: bool,
                  back_url: str = "/") -> str:
    template = templates.get_template("print/plan.html")
    return template.render(request=request, screen=screen, back_url=back_url, **values)


@router.get("/people/{key}/plan.pdf")
def plan_pdf(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
             today: PageToday, week: str | None = None) -> Response:
    history = account_service.person_for(uow, account, key)
    monday = week_of(week, today)
    html = _render_print(request, plan_document(ctx, history, monday, today), screen=False)
    pdf = HTML(string=html, base_url=None, url_fetcher=local_only_fetcher()).write_pdf()
    filename = f"anklet-plan-{key}-{monday.isoformat()}.pdf"
    return Response(bytes(pdf), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


@router.get("/people/{key}/plan/print")
def plan_print(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
               today: PageToday, week: str | None = None) -> Response:
    history = account_service.person_for(uow, account, key)
    monday = week_of(week, today)
    back = "/me/plan" if account.person_key == key else f"/people/{key}"
    html = _render_print(request, plan_document(ctx, history, monday, today), screen=True,
                         back_url=back)
    return HTMLResponse(html, headers={"Cache-Control": "private, no-store"})


# --- the progress report (PDF and CSV) ----------------------------------------------------


def _progress(ctx: Context, history: History, today: dt.date
              ) -> tuple[list[progress.Section], Any]:
    decision = evaluation.evaluate(history=history, protocol=ctx.protocol,
                                   library=ctx.library, as_of=today).decision
    return progress.sections(history, decision, ctx.protocol, today), decision


def _svg_data_url(svg: str) -> str:
    """The chart as an image for the PDF, without the labels' white outline: WeasyPrint's
    SVG drawing does not know ``paint-order`` and would draw it over the letters."""
    svg = svg.replace(HALO, "")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@router.get("/people/{key}/progress.pdf")
def progress_pdf(request: Request, key: str, account: PageAccount, uow: Uow,
                 ctx: Ctx, today: PageToday) -> Response:
    """Every test and questionnaire result over time, for a physio or doctor."""
    history = account_service.person_for(uow, account, key)
    found, decision = _progress(ctx, history, today)
    tested = [s for s in found if s.tested]
    template = templates.get_template("print/progress.html")
    html = template.render(
        request=request, person=history.person, decision=decision, made_on=today,
        start=start_date(history), tested=tested,
        untested=[s.test for s in found if not s.tested],
        images={s.test.id: _svg_data_url(str(s.svg)) for s in tested},
        rows=progress.paired_rows(progress.report_rows(found)))
    pdf = HTML(string=html, base_url=None, url_fetcher=local_only_fetcher()).write_pdf()
    filename = f"anklet-progress-{key}-{today.isoformat()}.pdf"
    return Response(bytes(pdf), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


@router.get("/people/{key}/progress.csv")
def progress_csv(key: str, account: PageAccount, uow: Uow, ctx: Ctx, today: PageToday) -> Response:
    """One row per test result or questionnaire score: date, test, side, value, unit, the
    threshold the person is working toward and the stage it is for."""
    history = account_service.person_for(uow, account, key)
    found, _ = _progress(ctx, history, today)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(progress.CSV_HEADER)
    for r in progress.report_rows(found):
        w.writerow([r.date.isoformat(), csv_safe(r.test), r.side, num(r.value), r.unit,
                    csv_safe(r.threshold), csv_safe(r.needed_for)])
    filename = f"anklet-progress-{key}-{today.isoformat()}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


def csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (text starting =, +, - or @)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# --- the calendar feed ----------------------------------------------------------------------


def feed_urls(request: Request, token: str) -> dict[str, str]:
    """The feed's https (or http) address and its webcal:// form for phones."""
    url = str(request.url_for("calendar_feed", token=token))
    scheme, _, rest = url.partition("://")
    return {"https": url, "webcal": f"webcal://{rest}", "scheme": scheme}


def _calendar_page(request: Request, account: Account, uow: UnitOfWork, key: str,
                   new_token: str | None = None) -> Response:
    history = account_service.person_for(uow, account, key)
    response = render(
        request, "calendar/page.html", account=account, person=history.person, key=key,
        urls=feed_urls(request, new_token) if new_token else None,
        made_at=uow.accounts.feed_made_at(key), own=account.person_key == key,
        weeks_ahead=calendar_service.WEEKS_AHEAD,
        refresh_hours=int(calendar_service.REFRESH.total_seconds() // 3600))
    if new_token:
        response.headers["Cache-Control"] = "no-store"  # the address is on this page, once
    return response


@router.get("/people/{key}/calendar")
def calendar_page(request: Request, key: str, account: PageAccount, uow: Uow) -> Response:
    """How to subscribe; the address itself only right after it is made (it is kept hashed)."""
    return _calendar_page(request, account, uow, key)


@router.post("/people/{key}/calendar/issue")
def calendar_issue(request: Request, key: str, account: PageAccount, uow: Uow) -> Response:
    account_service.person_for(uow, account, key)  # NotFoundError if not theirs
    had = uow.accounts.feed_made_at(key) is not None
    token = account_service.issue_feed(uow, account=account, key=key)
    uow.commit()
    flash(request, "New calendar address made. The old one no longer works: subscribe again "
                   "with this one." if had else "Calendar address made. Subscribe to it below.")
    return _calendar_page(request, account, uow, key, new_token=token)


@router.post("/people/{key}/calendar/revoke")
def calendar_revoke(request: Request, key: str, account: PageAccount, uow: Uow) -> Response:
    account_service.revoke_feed(uow, account=account, key=key)  # NotFoundError if not theirs
    uow.commit()
    flash(request, "Calendar address turned off. Calendars subscribed to it stop updating; "
                   "you can remove the calendar from your app.")
    return RedirectResponse(f"/people/{key}/calendar", 303)


@router.get("/calendar/{token}.ics", name="calendar_feed")
def calendar_feed(token: str, uow: Uow, ctx: Ctx) -> Response:
    body = calendar_service.feed_for_token(uow, token=token, protocol=ctx.protocol,
                                           library=ctx.library)
    if body is None:
        return Response("No such calendar.\n", status_code=404, media_type="text/plain",
                        headers={"Cache-Control": "no-store"})
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="anklet.ics"',
                             "Cache-Control": "private, no-store"})

