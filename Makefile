# Mitra — everything a fresh machine needs is done by `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format lock messages clean-db bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The stamp is rebuilt whenever the lock changes.
$(VENV)/.installed: requirements.lock $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

setup: $(VENV)/.installed
	@mkdir -p var
	@if command -v msgfmt >/dev/null 2>&1; then \
		DJANGO_SETTINGS_MODULE=mitra.settings.dev $(MANAGE) compilemessages --ignore=.venv -v 0; fi
	DJANGO_SETTINGS_MODULE=mitra.settings.dev $(MANAGE) migrate --no-input -v 0

# Links in emails (survey invitations, notifications) point at this server.
run: export MITRA_BASE_URL ?= http://$(HOST):$(PORT)
run: setup
	DJANGO_SETTINGS_MODULE=mitra.settings.dev $(MANAGE) load_demo --if-empty
	DJANGO_SETTINGS_MODULE=mitra.settings.dev $(MANAGE) runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: setup lint
	DJANGO_SETTINGS_MODULE=mitra.settings.test $(MANAGE) makemigrations --check --dry-run -v 0
	@if [ -x $(CHROMIUM) ]; then \
		echo "Browser tests: running them with $(CHROMIUM)."; \
		$(BIN)/pytest -n 2; \
	else \
		echo "Browser tests: SKIPPED, $(CHROMIUM) is not installed (apt-get install chromium)."; \
		$(BIN)/pytest -n 2 -m "not browser"; \
	fi

# Timing goals live here, not in the test suite.
bench: setup
	$(PY) benchmarks/run.py

lock: $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.in
	( echo '# Pinned dependencies installed by `make`; generated from requirements.in by `make lock`.'; \
	  $(BIN)/pip freeze --exclude pip ) > requirements.lock

messages: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=mitra.settings.dev $(MANAGE) makemessages -l id --ignore=.venv --ignore=var --no-obsolete
	DJANGO_SETTINGS_MODULE=mitra.settings.dev $(MANAGE) compilemessages --ignore=.venv

clean-db:
	rm -f var/mitra.sqlite3
