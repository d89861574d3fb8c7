# Inclusion numérique: production image (docs/PRODUCTION.md, "Conteneurs").
# One image for every process: web (gunicorn, the default command), worker
# (manage.py db_worker) and periodic work (manage.py travaux_periodiques).
# No Chromium: it serves the browser tests only; WeasyPrint needs Pango, not a browser.
# The base image is pinned by its exact tag; pin its digest too once pulled
# (docker buildx imagetools inspect python:3.11.11-slim-bookworm).

# --- builder: the virtualenv from the pinned requirements ----------------------------------
# requirements-production.txt: the lock's lines production needs, without the test and bench
# tools (pytest, Playwright, moto, locust…); tests/test_requirements_production.py checks it.
FROM python:3.11.11-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements-production.txt /tmp/requirements-production.txt
RUN /opt/venv/bin/pip install --no-compile -r /tmp/requirements-production.txt

# --- runtime -------------------------------------------------------------------------------
FROM python:3.11.11-slim-bookworm AS runtime
# Pango and HarfBuzz for WeasyPrint (PDF booklets), a font, and nothing else.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 inclusion \
    && useradd --system --uid 10001 --gid inclusion --home-dir /srv/inclusion --shell /usr/sbin/nologin inclusion \
    && mkdir -p /srv/inclusion /var/lib/inclusion/media \
    && chown inclusion:inclusion /var/lib/inclusion /var/lib/inclusion/media
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=0 \
    INCLUSION_VAR_DIR=/var/lib/inclusion \
    DJANGO_MEDIA_ROOT=/var/lib/inclusion/media \
    DJANGO_STATIC_ROOT=/srv/inclusion/staticfiles \
    GUNICORN_BIND=0.0.0.0:8000
WORKDIR /srv/inclusion
COPY --chown=root:root . /srv/inclusion
# Static files collected once, at build (WhiteNoise serves them); the key is a throwaway that
# only lets the settings load.
RUN DJANGO_SECRET_KEY=collectstatic-seulement python manage.py collectstatic --noinput -v0 \
    && python -m compileall -q inclusion pass_numerique ateliers mediation cms
USER inclusion
VOLUME ["/var/lib/inclusion"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "inclusion.wsgi"]
