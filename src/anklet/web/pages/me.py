"""The client's own pages, made for a phone: today's session, logging it, progress, the week."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from anklet.web.deps import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
