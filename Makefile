# The documented commands. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
# Local development runs with DEBUG on (and so a development secret key); tests run as production
# does, with DEBUG off, so they need a key of their own.
DEV := DEBUG=1
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-insecure-key-for-tests-only}

.PHONY: run serve static test browser-tools install messages migrate seed check-translations superuser lint format check clean

run: install messages migrate seed ## Serve the site on SQLite at http://127.0.0.1:$(PORT)/
	$(DEV) $(MANAGE) runserver 127.0.0.1:$(PORT)

serve: install messages static ## Serve with production settings under gunicorn (needs SECRET_KEY)
	$(MANAGE) migrate --no-input -v 0
	$(BIN)/gunicorn -c kb/gunicorn.conf.py kb.wsgi

static: install ## Collect static files: hashed names, compressed (whitenoise)
	$(MANAGE) collectstatic --no-input -v 0

test: install messages browser-tools ## The whole test suite (SQLite unless DATABASE_URL is set)
	$(TEST_ENV) $(BIN)/pytest $(ARGS)

# axe-core (npm) for the accessibility tests; Chromium itself comes from Debian (see README).
browser-tools:
	@if command -v npm >/dev/null; then \
	  [ -f node_modules/axe-core/axe.min.js ] || npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

messages: install ## Compile the interface translations in locale/
	$(DEV) $(MANAGE) compilemessages --ignore='.venv' --ignore='node_modules' -v 0

migrate: install
	$(DEV) $(MANAGE) migrate --no-input -v 0

seed: migrate ## Load (or update) the seed content; keeps what editors changed
	$(DEV) $(MANAGE) load_seeds

check-translations: install ## The translation checks on seeds/ and locale/: fails on any finding
	$(DEV) $(MANAGE) check_translations seeds locale --fail-on warning

superuser: install ## Create an editor account with every permission
	$(DEV) $(MANAGE) createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint check-translations test ## What CI runs

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules .pytest_cache .ruff_cache
