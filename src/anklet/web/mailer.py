"""The server queues due reminders and sends queued emails (coaches' alerts, reminders)
itself: every ``EVERY_S`` seconds, while it runs, when a mail server is set. Several
workers may each do it; the outbox's keys and claims (:mod:`anklet.services.outbox`) make
every email go once. ``anklet send-mail`` does the same
from cron for a server run without it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from anklet.services import outbox
from anklet.services.context import Context

EVERY_S = 30.0
_log = logging.getLogger("anklet.web")


async def _loop(ctx: Context) -> None:
    while True:
        try:
            await run_in_threadpool(outbox.send_due, ctx)  # reminders due, then the queue
        except Exception:  # a database hiccup must not end the loop for good
            _log.exception("Sending queued emails failed; trying again in %.0f s", EVERY_S)
        await asyncio.sleep(EVERY_S)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    ctx: Context = app.state.ctx
    task = asyncio.create_task(_loop(ctx)) if ctx.settings.smtp_server() is not None else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
