"""The web app (FastAPI): pages in ``pages/``, the JSON API in ``api/``."""
