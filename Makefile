# Quick start: `make run` serves the demo centre; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
DOMAIN_APPS := common audit org workdays rules catalog documents queueing inquiries complaints cases ratings supervision appraisal reports
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve test test-sqlite lint fmt typecheck lock bench clean

$(BIN)/pip:
	$(PYTHON) scripts/bootstrap_venv.py $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py simulate --if-empty
	@echo "服务地址 (serving at): http://127.0.0.1:$(PORT)/   — 按 Ctrl+C 停止"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production topology in the foreground on 127.0.0.1:$(PORT), against $$DATABASE_URL
# (migrated): gunicorn (deploy/gunicorn.conf.py) and the stream server (python -m
# config.streams), with a small router in front that sends the event streams to the
# latter, as nginx does in production (docs/deploy.md, config/serve.py).
serve: $(VENV)/.runtime
	PORT=$(PORT) $(BIN)/python -m config.serve

# The whole suite on SQLite, then on a throw-away PostgreSQL cluster (scripts/test.sh).
test: $(VENV)/.dev
	bash scripts/test.sh $(ARGS)

# SQLite only, for a quick local loop: make test-sqlite ARGS="-k workdays"
test-sqlite: $(VENV)/.dev
	$(BIN)/pytest $(ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(DOMAIN_APPS)
	$(BIN)/lint-imports

fmt: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.dev
	$(BIN)/mypy $(DOMAIN_APPS)

# Re-pin the dependencies after editing requirements*.in (needs pip-tools).
lock: $(VENV)/.dev
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements-dev.txt requirements-dev.in

# Benchmarks print figures and ratios against a baseline measured in the same run.
bench: $(VENV)/.dev
	$(BIN)/python bench/workdays_bench.py
	$(BIN)/python bench/queue_bench.py
	$(BIN)/python bench/fanout_bench.py
	$(BIN)/python bench/reports_bench.py

clean:
	rm -rf $(VENV) var/test*.sqlite3 .pytest_cache .mypy_cache .ruff_cache
