# syntax=docker/dockerfile:1
# The helpline bot: `docker build -t helpline .` then `docker compose up -d` (see compose.yaml).
#
# Health check: in polling mode (the default `run`) the bot touches $HELPLINE_DATABASE.alive after every
# answered poll (at least every 30 s), and a file older than 120 s means a stuck bot; in webhook mode set
# HELPLINE_HEALTH_URL=http://127.0.0.1:8080/healthz and it asks the webhook server.

FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# Every dependency has a binary wheel for linux/amd64 and arm64: no compiler is needed, even here.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
COPY locales ./locales
# The bot reads the .po catalogs directly (compiled in memory), so there is no pybabel compile step.
RUN pip wheel . --wheel-dir /wheels

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    HELPLINE_DATABASE=/data/helpline.db
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels /wheels/migrant_helpline-*.whl \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin helpline \
    && mkdir -p /data \
    && chown helpline:helpline /data
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
# 8080: the webhook server (`run --webhook URL`); /metrics too when the lead mounts it there.
EXPOSE 8080
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, time, urllib.request as r; u = os.environ.get('HELPLINE_HEALTH_URL'); r.urlopen(u, timeout=5) if u else sys.exit(time.time() - os.stat(os.environ['HELPLINE_DATABASE'] + '.alive').st_mtime > 120)"]
ENTRYPOINT ["helpline"]
CMD ["run"]
