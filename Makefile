# Two commands: `make run` and `make test`. Every other target is a step they share (all idempotent).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app directory
PORT ?= 5000
MEILI := instance/meilisearch/meilisearch
MO := translations/fr/LC_MESSAGES/messages.mo translations/nl/LC_MESSAGES/messages.mo

.PHONY: run test test-postgres install system-libs lint bench chromium clean

run: install
	$(FLASK) setup
	PORT=$(PORT) $(FLASK) serve

# Both cores: each pytest-xdist worker has its own Meilisearch, database copies and browser; the tests on the
# `make run` data share one worker (tests/conftest.py), the others are dealt out test by test.
TEST_WORKERS ?= 2
test: install chromium lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

install: system-libs $(VENV)/.installed $(MEILI) static/vendor/.installed $(MO)

# Pango and a font for WeasyPrint's PDFs (present on Debian images; installed when missing, as root).
system-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 && test -d /usr/share/fonts/truetype/dejavu || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null)

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

$(MEILI): directory/search/server.py | $(VENV)/.installed
	$(BIN)/python -c "from pathlib import Path; from directory.search.server import install_binary; install_binary(Path('$(MEILI)'))"
	touch $@

static/vendor/.installed: static/package.json static/package-lock.json static/install_assets.py
	cd static && npm ci --no-audit --no-fund --silent
	$(BIN)/python static/install_assets.py
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations -l $* >/dev/null

# The same suite (browser tests aside) on a throw-away PostgreSQL cluster on loopback (Debian's postgresql, as root).
PG_BIN ?= /usr/lib/postgresql/15/bin
PG_DIR := /tmp/qfq-test-postgres
test-postgres: install
	@test -x $(PG_BIN)/initdb || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)
	rm -rf $(PG_DIR) && mkdir -p $(PG_DIR) && chown postgres $(PG_DIR)
	su postgres -c "$(PG_BIN)/initdb -D $(PG_DIR)/data -A trust -U postgres >/dev/null && \
	  $(PG_BIN)/pg_ctl -D $(PG_DIR)/data -o '-p 55432 -k $(PG_DIR) -c listen_addresses=127.0.0.1' -l $(PG_DIR)/log -w start >/dev/null && \
	  $(PG_BIN)/createdb -h 127.0.0.1 -p 55432 directory_test"
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:55432/directory_test $(BIN)/python -m pytest --ignore=tests/browser; \
	  status=$$?; su postgres -c "$(PG_BIN)/pg_ctl -D $(PG_DIR)/data stop -m fast >/dev/null"; exit $$status

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)

lint: $(VENV)/.installed
	$(BIN)/ruff check directory importers tests bench
	$(BIN)/ruff format --check directory importers tests bench
	$(BIN)/mypy directory importers

bench: install
	$(BIN)/python bench/search.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/map.py

clean:
	rm -rf $(VENV) static/node_modules static/vendor
