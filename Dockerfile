# The newsroom web app: gunicorn behind whatever terminates TLS; static files served by whitenoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=newsroom.settings

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 newsroom

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir ".[s3]" && rm -rf build *.egg-info
COPY . .

# collectstatic needs settings that import; a throwaway key is enough for this build step only.
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 ALLOWED_HOSTS=localhost \
    SITE_URL=http://localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown -R newsroom:newsroom /app/media

USER newsroom
EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
