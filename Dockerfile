# CrewUp web process (and, with another command, the admin CLI).
# docker build -t crewup . && docker run -p 8080:8080 -v crewup-data:/data crewup
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CREWUP_DATA_DIR=/data CREWUP_HOST=0.0.0.0 CREWUP_PORT=8080
RUN useradd --system --home /app crewup && mkdir /data && chown crewup /data
WORKDIR /app
# Dependencies first, so code changes do not reinstall them. setup.cfg reads the version
# from crewup/__init__.py, so that file comes too (it changes only with a release).
COPY setup.cfg pyproject.toml README.md ./
COPY crewup/__init__.py crewup/
RUN mkdir cli && touch cli/__init__.py \
    && pip install --no-cache-dir . && pip uninstall -y -q crewup
# Migrations, templates and static files are found next to the package: install in place.
COPY . .
RUN pip install --no-cache-dir --no-deps -e . && pybabel -q compile -d crewup/locale
USER crewup
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
# Migrate, then serve; `docker stop` sends SIGTERM, which shuts down gracefully. With
# CREWUP_REDIS_URL and a PostgreSQL CREWUP_DATABASE_URL it serves one process per core
# (`crewup serve --workers N` to choose; see docs/operations.md).
CMD ["sh", "-c", "crewup-admin db upgrade && exec crewup serve"]
