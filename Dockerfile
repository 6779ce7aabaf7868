# CrewUp web process (and, with another command, the worker or admin CLI).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CREWUP_DATA_DIR=/data CREWUP_HOST=0.0.0.0 CREWUP_PORT=8080
RUN useradd --system --home /app crewup && mkdir /data && chown crewup /data
WORKDIR /app
COPY setup.cfg pyproject.toml README.md ./
COPY crewup ./crewup
COPY cli ./cli
RUN pip install --no-cache-dir .  && pip uninstall -y crewup
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY config ./config
RUN pip install --no-cache-dir --no-deps -e .
USER crewup
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8080/healthz'); sys.exit(0)"
# Migrate, then serve; SIGTERM (docker stop) shuts down gracefully.
CMD ["sh", "-c", "crewup-admin db upgrade && exec crewup serve"]
