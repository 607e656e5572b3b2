# The quick start: `make run` serves the demo, `make test` runs the whole suite. Both install
# the Debian packages they need when missing (scripts/system-packages, apt-get through sudo
# when not root): `make test` Chromium and fonts-noto-cjk, `make run` the font for the PDF.
# python3.11 where it is installed under that name, else python3 (pyproject.toml refuses other versions).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install system-packages pdf-font run test lint check messages compilemessages migrate demo clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Chromium for the browser tests and fonts-noto-cjk for the PDF export: stops when they cannot be installed.
system-packages:
	@bash scripts/system-packages test

# The PDF export's font only: warns and goes on when it cannot be installed (only the PDF download needs it).
pdf-font:
	@bash scripts/system-packages run

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py seed_demo

run: pdf-font demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install system-packages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

check: install
	$(PY) manage.py makemigrations --check --dry-run

# Update the catalogues after changing user-facing strings, then compile them (both committed).
messages: install
	cd $(CURDIR) && DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --no-location --no-obsolete \
		--ignore=.venv --ignore=build --ignore=staticfiles --ignore=bench
	DEBUG=1 $(PY) manage.py makemessages -d djangojs -l zh_Hans -l en --no-location --no-obsolete \
		--ignore=.venv --ignore=build --ignore=staticfiles --ignore=bench
	$(MAKE) compilemessages

compilemessages: install
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
