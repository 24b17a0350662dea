"""The web app (FastAPI): pages in ``pages/``, the JSON API in ``api/``."""

from anklet.domain.history import build_models

# The history models build their validators on first use (see anklet.domain.history); the
# API's request bodies are made of them, so they are built before any route is declared.
build_models()
