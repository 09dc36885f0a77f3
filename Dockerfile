# syntax=docker/dockerfile:1
# The bot as a container: `docker build -t interact-bot .` then
#   docker run -p 3978:3978 -v interact-var:/app/var --env-file .env interact-bot
# Tickets and state live in /app/var (a volume: keep it across restarts), or in Azure Blob
# Storage with ASSISTANT_STORE=blob. Logs are JSON lines on stderr (LOG_FORMAT=text for people).
# `docker stop` sends SIGTERM: turns in flight get SHUTDOWN_TIMEOUT seconds (default 8) to
# finish, inside docker's own 10 s; give `docker stop -t` more if you raise it.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml requirements.lock README.md app.py ./
COPY bot/ bot/
COPY dialogs/ dialogs/
COPY cards/ cards/
# The package and its dependencies (with the Azure Blob Storage backend) in a venv of their own,
# at the tested versions (requirements.lock as constraints).
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -c requirements.lock ".[azure,telemetry]"

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=3978 \
    ASSISTANT_DATA_DIR=/app/data \
    ASSISTANT_DB=/app/var/assistant.sqlite3
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The code runs from the installed package; /app holds the entry point, the catalogue (read
# only) and var/ (the store: the only place the bot writes).
COPY app.py ./
COPY data/ data/
RUN mkdir var && chown bot:bot var
VOLUME ["/app/var"]
USER bot
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3978'), timeout=4)"]
CMD ["python", "app.py"]
