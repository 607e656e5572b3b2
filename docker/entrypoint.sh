#!/bin/sh
# Waits for the database, then runs the container's command (gunicorn, celery worker or beat).
# Migrations run once, in the `migrate` service of docker-compose.yml, before web, worker and beat start.
set -eu
python - <<'PY'
import sys, time

import django
from django.db import connection
from django.db.utils import OperationalError

django.setup()
for attempt in range(60):
    try:
        connection.ensure_connection()
        break
    except OperationalError as exc:
        print(f"waiting for the database: {exc}", file=sys.stderr)
        time.sleep(1)
else:
    sys.exit("the database did not come up within 60 seconds")
PY
exec "$@"
