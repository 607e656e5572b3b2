"""A pytest plugin loaded with `-p` before Django starts: the test run's environment defaults."""

import os

# Tests run with DEBUG off, as production does; they need some key, never a real one.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment-0123456789")
