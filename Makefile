# The two set-up commands: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MO := translations/es/LC_MESSAGES/messages.mo
PO := translations/es/LC_MESSAGES/messages.po
POT := translations/messages.pot

.PHONY: install run test check lint translations bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --editable '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

$(MO): $(PO) $(INSTALLED)
	$(BIN)/pybabel compile --domain messages --directory translations --statistics 2>&1 | grep -v '^compiling'

install: $(INSTALLED) node_modules/.installed $(MO)

## Serve the guide on http://127.0.0.1:5000
run: $(INSTALLED) $(MO)
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

## The whole test suite (browser tests need Debian's chromium: apt-get install chromium)
test: install
	$(BIN)/ruff check guide tests app.py
	$(BIN)/python -m pytest -p no:cacheprovider

## Check rules.yaml: every problem as rules.yaml:LINE: message
check: $(INSTALLED)
	$(BIN)/flask --app app guide check

lint: $(INSTALLED)
	$(BIN)/ruff check guide tests app.py
	$(BIN)/ruff format --check guide tests app.py

## Extract every string (code, templates, rules.yaml), update the Spanish catalog, compile it
translations: $(INSTALLED)
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords _l --keywords lazy_gettext --add-comments TRANSLATORS: \
		--no-wrap --sort-by-file --project lotus-guide --output-file $(POT) .
	if [ -f $(PO) ]; then \
		$(BIN)/pybabel update --input-file $(POT) --output-dir translations --no-wrap --no-fuzzy-matching --ignore-obsolete; \
	else \
		$(BIN)/pybabel init --input-file $(POT) --output-dir translations --locale es --no-wrap; \
	fi
	$(BIN)/pybabel compile --domain messages --directory translations --statistics

## Measure: what each page weighs, the desk's keystrokes and live update, the table check next to `flask --version`,
## how long `guide diff` takes on the real table
bench: install
	$(BIN)/python -m tests.bench_pages
	$(BIN)/python -m tests.bench_diff
	$(BIN)/python -m pytest -p no:cacheprovider -p no:logging -q -s tests/test_desk_browser.py \
		-k "keys_only_from_an_empty_form or each_key_press_updates" 2>&1 | grep -E '^\[desk\]|passed|failed|rror'
	@if command -v hyperfine >/dev/null; then \
		hyperfine --warmup 2 --runs 10 -N '$(BIN)/flask --app app --version' '$(BIN)/flask --app app guide check'; \
	else echo "hyperfine not installed (apt-get install hyperfine): skipping the timing"; fi

clean:
	rm -rf $(VENV) node_modules $(MO)
