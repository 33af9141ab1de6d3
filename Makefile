# Two commands: `make run` and `make test`. Every other target is a step they share (all idempotent).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app directory
PORT ?= 5000
MEILI := instance/meilisearch/meilisearch
MO := translations/fr/LC_MESSAGES/messages.mo translations/nl/LC_MESSAGES/messages.mo

.PHONY: run test install lint bench chromium clean

run: install
	$(FLASK) setup
	PORT=$(PORT) $(FLASK) serve

test: install chromium lint
	$(BIN)/python -m pytest

install: $(VENV)/.installed $(MEILI) static/vendor/.installed $(MO)

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

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)

lint: $(VENV)/.installed
	$(BIN)/ruff check directory importers tests bench
	$(BIN)/ruff format --check directory importers tests bench

bench: install
	$(BIN)/python bench/search.py

clean:
	rm -rf $(VENV) static/node_modules static/vendor
