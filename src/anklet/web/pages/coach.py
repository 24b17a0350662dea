"""Coach pages: the dashboard of clients and who needs attention, adding clients."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from anklet.web.deps import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
