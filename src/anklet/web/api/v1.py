"""The JSON API, ``/api/v1``: token authentication, the same tenancy as the pages.

Every route takes ``Authorization: Bearer ank_…`` (a token made on the account page) and
reaches only the people that account may see: a coach their clients, a client or a
self-coached person themself. Anyone else's person answers 404, exactly as a missing one.
A client reads and logs; assessments are for coaches and self-coached people (403).
Each resource has its module and tag: people (and export), assessments, decisions,
sessions, evaluate, media (a coach's own photos, videos and links for exercises). The
OpenAPI document is ``/api/v1/openapi.json``, shown at ``/api/docs``.
"""

from __future__ import annotations

from fastapi import APIRouter

from anklet.web.api import (
    assessments,
    corrections,
    decisions,
    evaluate,
    media,
    messages,
    people,
    plan_changes,
    questionnaires,
    sessions,
)

router = APIRouter(prefix="/api/v1")
router.include_router(people.router)
router.include_router(assessments.router)
router.include_router(decisions.router)
router.include_router(sessions.router)
router.include_router(questionnaires.router)
router.include_router(corrections.router)
router.include_router(plan_changes.router)
router.include_router(messages.router)
router.include_router(media.router)
router.include_router(people.export_router)
router.include_router(evaluate.router)
