# Mystery Shop. `make demo` runs the site with demo data; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint format assets install migrate up bench clean screenshots lock messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) static/vendor/.built locale/cy/LC_MESSAGES/django.mo

# Translations: `make messages` gathers every marked string into locale/cy/LC_MESSAGES/django.po to
# translate; install compiles it (Debian's gettext). docs/welsh.md says how.
locale/cy/LC_MESSAGES/django.mo: locale/cy/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

messages: $(STAMP)
	$(PY) manage.py makemessages -l cy --ignore=.venv --ignore=node_modules --ignore=static --no-location --no-obsolete

# Front-end packages come from the npm registry, pinned in package-lock.json,
# and are copied into static/vendor: no CDN at run time. A minified file that names its
# source map needs the map beside it, or collectstatic with DJANGO_DEBUG=0 fails.
static/vendor/.built: package.json package-lock.json Makefile
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/chartjs static/vendor/axe
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/chartjs/
	cp node_modules/axe-core/axe.min.js static/vendor/axe/
	touch $@

assets: static/vendor/.built

migrate: install
	$(PY) manage.py migrate --noinput

# Embedded mode: SQLite file, Celery tasks in-process, e-mail on the console.
demo: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# Real services: DATABASE_URL and REDIS_URL must be set (see .env.example).
up: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/honcho start

# Re-lock the Python packages with their hashes after changing requirements*.in
# (`make lock UPGRADE=--upgrade` moves everything to the newest allowed version).
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(UPGRADE)
lock: install
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-dev.txt requirements-dev.in

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: install lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/run_tests.py --numprocesses auto --maxprocesses 4

# The edit loop: lint and every test that needs no browser (Chromium, a live server), no Celery worker
# process, no other Django process or whole demo (slow), no fault processes and no journey.
# `make test` stays the whole suite. ARGS=... passes more to pytest.
FAST_TESTS := not browser and not celery_worker and not slow and not journey and not faults
test-fast: install lint
	$(PY) scripts/run_tests.py -q -m "$(FAST_TESTS)" --numprocesses auto --maxprocesses 4 $(ARGS)

# Runs the browser journey and saves each role's main pages, phone and desktop, in docs/screenshots/.
screenshots: install
	SCREENSHOTS=1 $(PY) scripts/run_tests.py -m journey -q

bench: install
	$(PY) scripts/run_tests.py -s bench

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3
