"""The JSON API, ``/api/v1``: token authentication, the same tenancy as the pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
