"""A person's pages for their coach (or themself, when self-coached): stage and checklist,
assessment, overrides, history."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from anklet.web.deps import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
