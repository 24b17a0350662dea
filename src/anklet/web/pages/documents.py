"""Documents made from a plan: the printable PDF and the calendar feed (ICS)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from anklet.web.deps import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
