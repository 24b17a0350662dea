"""``/api/docs``: the API's OpenAPI document in Swagger UI, served from ``static/swagger``.

The Swagger UI files are vendored (``swagger-ui-dist`` from npm; version and licence next
to them), so the page loads nothing from the network; the validator badge, which would
send the document to swagger.io, is off.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url, title="Anklet API",
        swagger_js_url="/static/swagger/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
        swagger_ui_parameters={"validatorUrl": None})
