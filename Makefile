# Özel Kalem — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8080
export FLASK_APP := app:create_app
export PYTHONPATH := $(CURDIR)

.PHONY: run test serve install migrate setup demo translations bench bench-all bench-load bench-home screenshots clean test-sqlite test-postgresql

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(VENV)/bin/flask db upgrade

setup: migrate
	$(VENV)/bin/flask ozelkalem setup

demo: setup
	$(VENV)/bin/flask ozelkalem demo

## make run: venv, install, migrate, roles, demo data, serve on http://127.0.0.1:$(PORT)
run: demo
	@echo ""
	@echo "  Özel Kalem: http://127.0.0.1:$(PORT)"
	@echo ""
	PORT=$(PORT) $(PY) run.py

## make serve: production (gunicorn) against DATABASE_URL; run `make setup` first
serve: install
	OZELKALEM_ENV=production $(VENV)/bin/gunicorn -w $${WORKERS:-3} -b $${HOST:-127.0.0.1}:$(PORT) 'app:create_app()'

## make test: the whole suite on SQLite, then on PostgreSQL (browser tests included)
test: install
	$(PY) -m pytest
	TEST_DB=postgresql $(PY) -m pytest

test-sqlite: install
	$(PY) -m pytest

test-postgresql: install
	TEST_DB=postgresql $(PY) -m pytest

translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d translations

bench: install
	$(PY) bench/bench.py $(BENCH_ARGS)

## make bench-home: every role's home page against the list page (queries, p50, ratio)
bench-home: install
	$(PY) bench/home.py $(HOME_ARGS)

## make bench-all: every benchmark one after the other (~40 min), then issue 19's targets in one table (bench/results/targets.md)
bench-all: install
	$(PY) bench/targets.py --run

## make bench-load: gunicorn on PostgreSQL under 50/100/200 simulated clerks (LOAD_ARGS="--quick": 20 s runs)
bench-load: install
	$(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf instance/ozelkalem.db instance/uploads
