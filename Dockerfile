# Anklet's web app, for `docker compose up` with compose.yaml (PostgreSQL beside it).
# Built from this folder: docker build -t anklet .
FROM python:3.11-slim

# WeasyPrint (the plan as PDF) needs Pango and a font; nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . && rm -rf /src

# Never run as root; the home folder holds nothing that matters (the data is in PostgreSQL).
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin anklet
USER anklet
WORKDIR /home/anklet

# production: ANKLET_SECRET_KEY must be given (the app refuses to start without it), and
# no demo accounts are ever added
ENV ANKLET_ENVIRONMENT=production \
    ANKLET_HOST=0.0.0.0 \
    ANKLET_PORT=8000

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# migrations run when it starts; proxy headers are believed only from ANKLET_TRUSTED_PROXIES
CMD ["anklet", "serve", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--workers", "2"]
