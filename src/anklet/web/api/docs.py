"""``/api/docs``: the API's OpenAPI document in Swagger UI, served from ``static/swagger``.

The Swagger UI files are vendored (``swagger-ui-dist`` from npm; version and licence next
to them), so the page loads nothing from the network; the validator badge, which would
send the document to swagger.io, is off (in ``static/swagger-init.js``).
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Anklet API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


@router.get("/api/docs")
def api_docs(request: Request) -> HTMLResponse:
    # FastAPI's own page starts Swagger UI with an inline script, which the
    # Content-Security-Policy (web/security.py) refuses: static/swagger-init.js does it
    return HTMLResponse(_PAGE.format(openapi_url=escape(request.app.openapi_url or "")))
