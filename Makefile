# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHONPATH := kernel:gateway:services/identity:services/ledger:services/budget:services/assets:services/notify:deploy/dev:.
export PYTHONPATH
export PYTHONWARNINGS := ignore

.PHONY: run test venv infra browser lint format bench clean

## run: set up and start the whole system, print where to go (Ctrl-C stops it)
run: venv infra
	$(PY) deploy/local/run.py

## test: every test (unit, service, end-to-end, browser) against real RabbitMQ/PostgreSQL/SMTP
test: venv infra browser
	@if command -v node >/dev/null; then node --test gateway/gateway/web/tests/; fi
	$(PY) -m pytest $(PYTEST_ARGS)

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@bash deploy/local/ensure-python.sh
	@test -x $(PY) || python3.11 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

## infra: reuse, start or install RabbitMQ and PostgreSQL
infra:
	@bash deploy/local/ensure-infra.sh

## browser: Debian's Chromium for the browser tests
browser:
	@bash deploy/local/ensure-browser.sh

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: every benchmark; each prints its figures beside its baselines
bench: venv infra
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .run
