# The application image: web (gunicorn), worker and beat (Celery) all run it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PRIVATE_MEDIA_ROOT=/var/lib/jianyi/private \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

# The PDF export embeds a CJK font (reports/exports/pdf.py).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY config/__init__.py config/__init__.py
RUN pip install . && pip uninstall --yes jianyi

COPY . .
RUN pip install --no-deps . \
    # collectstatic needs some key; the real one comes from the environment at run time.
    && DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app jianyi \
    && mkdir -p "$PRIVATE_MEDIA_ROOT" \
    && chown -R jianyi "$PRIVATE_MEDIA_ROOT"

USER jianyi
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
