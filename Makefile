# SMART REGION Emscher-Lippe portal. `make help` lists the targets.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
UV_HOME := var/uv
UV := $(UV_HOME)/bin/uv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Starts the project's own PostgreSQL under var/pg unless DATABASE_URL is set; stops it afterwards.
WITH_DB := $(PY) -m smartregion.site.devdb exec --
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# Translations: every locale/<language>/LC_MESSAGES/*.po of the project (the site's and the apps')
# is compiled to its .mo beside it whenever the .po is newer. The .mo files are build output, not
# committed. msgfmt is GNU gettext's (Debian package gettext); --check-format as compilemessages.
PO_FILES := $(shell find . \( -path ./.venv -o -path ./var -o -path ./.git \) -prune -o -path '*/locale/*/LC_MESSAGES/*.po' -print)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "msgfmt is needed to compile $<: install GNU gettext (Debian: apt-get install gettext)"; exit 1; }
	msgfmt --check-format -o $@ $<

.PHONY: help install translations messages run serve prod test test-fast test-browser lint format check-deploy bench db-start db-stop clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(UV):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 13), "Python 3.13 needed"' \
		|| { echo "Python 3.13 is needed (python3 --version says $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@touch $@

install: $(VENV)/.synced $(MO_FILES) ## create the virtualenv, install the locked dependencies, compile the translations

translations: $(MO_FILES) ## compile the translations (.po -> .mo) that changed

messages: install ## update the English catalogues (each app's locale/en) from the code, then compile them
	$(MANAGE) makemessages --locale en --no-obsolete --add-location file --ignore '.venv/*' --ignore 'var/*' \
		--ignore 'tests/*' --ignore 'bench/*' --ignore 'docs/*' --ignore 'deploy/*'
	$(MANAGE) compilemessages --locale en --ignore '.venv/*' --ignore 'var/*'

run: install ## set everything up and serve the site with demo content on http://127.0.0.1:$(PORT)
	@$(WITH_DB) $(MAKE) --no-print-directory serve

serve: # (inside WITH_DB) migrate, demo content, worker and web server; Ctrl-C stops all
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@$(MANAGE) db_worker --queue-name mail,default,bulk --interval 1 & worker=$$!; \
	$(PY) -m smartregion.site.scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the server, the worker and the database)"; \
	$(MANAGE) runserver --noreload 127.0.0.1:$(PORT)

prod: install ## the stack as deployed, DEBUG off: nginx (TLS) -> gunicorn, worker, timer job, own PostgreSQL, on https://localhost:8443
	@$(PY) -m smartregion.site.prodstack

test: install ## set everything up and run the whole suite (browser tests need /usr/bin/chromium, deployed tests nginx)
	@$(WITH_DB) $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install ## the suite without browser tests and without the deployed stack
	@$(WITH_DB) $(PY) -m pytest -m "not browser and not deployed" $(PYTEST_ARGS)

test-browser: install ## only the Playwright/axe-core browser tests
	@$(WITH_DB) $(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install ## ruff check and format check, and the import-linter contracts (layers, pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install ## format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-deploy: install ## Django's deployment checks with production-like settings (connects to nothing)
	@DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=smartregion.example SITE_URL=https://smartregion.example \
		DATABASE_URL=postgresql://check-deploy@127.0.0.1:1/unused REDIS_URL=redis://127.0.0.1:1/0 \
		$(MANAGE) check --deploy --fail-level WARNING

bench: install ## the benchmarks under bench/ (they print tables)
	@for script in bench/*.py; do $(WITH_DB) $(PY) $$script || exit 1; done

db-start: ## start the project-local PostgreSQL (prints DATABASE_URL)
	@$(PYTHON) -m smartregion.site.devdb start

db-stop: ## stop the project-local PostgreSQL
	@$(PYTHON) -m smartregion.site.devdb stop

clean: db-stop ## remove the virtualenv and everything under var/ (database included)
	rm -rf $(VENV) var
