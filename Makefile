# Bangkit: `make run` to try it, `make test` to test it. Needs only Python 3.11, make and git.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.9.30
UV := .uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run serve setup test test-postgres lint typecheck bench messages clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Bangkit needs Python 3.11: run make PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON) --quiet
	@touch $@

install: $(VENV)/.installed

# Local secrets for the embedded set-up, generated once and kept outside git in var/.
var/local.env: | $(VENV)/.installed
	@mkdir -p var
	$(PY) scripts/make_local_env.py > $@.tmp && mv $@.tmp $@

setup: install var/local.env
	@set -a && . var/local.env && set +a && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py createcachetable && \
	$(PY) manage.py load_regions && \
	$(PY) manage.py load_demo && \
	$(PY) manage.py collectstatic --noinput --verbosity 0

run: setup
	@set -a && . var/local.env && set +a && HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

test: install
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto}

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bangkit} $(PY) -m pytest -n $${PYTEST_WORKERS:-auto}

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	scripts/messages.sh --check

typecheck: install
	$(VENV)/bin/mypy

bench: install
	$(PY) -m bench

messages: install
	scripts/messages.sh

clean:
	rm -rf .uv $(VENV) var/static
