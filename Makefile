# The two set-up commands: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The installers themselves, pinned: the venv's own pip and setuptools are old and carry published advisories.
BOOTSTRAP := pip==26.3 setuptools==84.2.1
# One catalog per language besides English, each compiled next to itself.
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
POT := translations/messages.pot
# Every package installed, the ones pyproject.toml pins and everything they pull in, at one release each: `make lock`.
LOCK := constraints.txt

# Lighthouse for `make bench` only: installed into a cache folder outside the repository, not a project dependency.
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE_DIR ?= $(HOME)/.cache/guide-bench/lighthouse-$(LIGHTHOUSE_VERSION)
LIGHTHOUSE := $(LIGHTHOUSE_DIR)/.installed

.PHONY: install run test test-languages test-busy check lint lock translations language bench fuzz clean

# $(call environment,DIR,OPTIONS): a virtual environment in DIR with the pinned installers, then the guide and its
# tests (OPTIONS: more for pip). The same for the one `make install` keeps and the scratch one `make lock` reads.
environment = $(PYTHON) -m venv $(1) && \
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade $(BOOTSTRAP) && \
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check $(2) --editable '.[test]'

$(INSTALLED): pyproject.toml $(LOCK)
	$(call environment,$(VENV),--constraint $(LOCK))
	touch $@

## After changing a pin in pyproject.toml: lock everything installed again, each package at the newest release the
## pins allow (in a scratch environment), then `make test`
lock:
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; set -e; \
	$(call environment,"$$scratch"); \
	{ echo "# Every package the guide and its tests install, at one release each. Written by \`make lock\` from"; \
	  echo "# pyproject.toml's pins; \`make install\` installs under it. Edit the pins, not this file."; \
	  "$$scratch/bin/python" -m pip freeze --disable-pip-version-check --exclude-editable; } > $(LOCK)
	@echo "$(LOCK): $$(grep -vc '^#' $(LOCK)) packages locked"

$(LIGHTHOUSE):
	npm install --prefix $(LIGHTHOUSE_DIR) --silent --no-audit --no-fund --save-exact lighthouse@$(LIGHTHOUSE_VERSION)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

$(MO): %.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@ --statistics

install: $(INSTALLED) node_modules/.installed $(MO)

## Serve the guide on http://127.0.0.1:5000
run: $(INSTALLED) $(MO)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

## The whole test suite (browser tests need Debian's chromium: apt-get install chromium)
test: install
	$(BIN)/ruff check guide tests app.py gunicorn.conf.py
	$(BIN)/mypy
	$(BIN)/python -m pytest -p no:cacheprovider

## The whole test suite again with a third language (a scratch copy of the project with a French catalog whose
## entries are the English ones, FLASK_LANGUAGES naming it): browser tests included, about as long as `make test`
test-languages: install
	CI=true $(BIN)/python -m tests.scratch -q

## `make test` on a busy machine: BUSY_HOGS endless shell loops (one per core of a 2-core machine) keep the CPU
## loaded for the whole run; each stops by itself after BUSY_SECONDS at most, and all are stopped (by PID) at the end
BUSY_HOGS ?= 2
BUSY_SECONDS ?= 2400
test-busy: install
	@hogs=""; for i in $$(seq $(BUSY_HOGS)); do timeout $(BUSY_SECONDS) sh -c 'while :; do :; done' & hogs="$$hogs $$!"; done; \
	trap 'kill $$hogs 2>/dev/null; exit 130' INT TERM; \
	echo "test-busy: $(BUSY_HOGS) CPU hogs running (PIDs$$hogs), for $(BUSY_SECONDS) s at most"; \
	$(MAKE) --no-print-directory test; status=$$?; kill $$hogs 2>/dev/null; exit $$status

## Check rules.yaml: every problem as rules.yaml:LINE: message
check: $(INSTALLED)
	$(BIN)/flask --app app guide check

lint: $(INSTALLED)
	$(BIN)/ruff check guide tests app.py gunicorn.conf.py
	$(BIN)/ruff format --check guide tests app.py gunicorn.conf.py
	$(BIN)/mypy

## Extract every string (code, templates, rules.yaml), update every catalog, compile them
translations: $(INSTALLED)
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords _l --keywords lazy_gettext --add-comments TRANSLATORS: \
		--no-wrap --sort-by-file --project lotus-guide --output-file $(POT) .
	$(BIN)/pybabel update --input-file $(POT) --output-dir translations --no-wrap --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --domain messages --directory translations --statistics

## Start the catalog of a new language: make language CODE=fr (then translate it and add it to LANGUAGES)
language: translations
	$(BIN)/pybabel init --input-file $(POT) --output-dir translations --locale $(CODE) --no-wrap

## Measure: throughput under gunicorn beside a hello-world (needs wrk), what each page weighs, Lighthouse's scores
## for the patient pages, the desk's keystrokes and live update, the table check next to `flask --version`,
## how long `guide diff` takes on the real table, the new-patients result line with counting on beside it off
bench: install $(LIGHTHOUSE)
	$(BIN)/python -m tests.bench_serving
	$(BIN)/python -m tests.bench_engine
	$(BIN)/python -m tests.bench_pages
	LIGHTHOUSE_DIR=$(LIGHTHOUSE_DIR) $(BIN)/python -m tests.bench_lighthouse
	$(BIN)/python -m tests.bench_diff
	$(BIN)/python -m tests.bench_desk
	$(BIN)/python -m tests.bench_insights
	$(BIN)/python -m tests.count_instructions
	@if command -v hyperfine >/dev/null; then \
		hyperfine --warmup 2 --runs 10 -N '$(BIN)/flask --app app --version' '$(BIN)/flask --app app guide check'; \
	else echo "hyperfine not installed (apt-get install hyperfine): skipping the timing"; fi

## Hostile input, many times over (>= 10,000 generated requests, raw sockets against gunicorn included):
## prints how many were answered with a 5xx; then schemathesis over every API operation (>= 1,000 cases)
fuzz: install
	@log=$$(mktemp); GUIDE_FUZZ_EXAMPLES=$${GUIDE_FUZZ_EXAMPLES:-2500} GUIDE_API_EXAMPLES=$${GUIDE_API_EXAMPLES:-500} \
		$(BIN)/python -m pytest -p no:cacheprovider \
		-p no:randomly -q -s tests/test_hostile.py tests/test_openapi.py > $$log 2>&1; status=$$?; \
		grep -E '^\[fuzz\]|passed|failed|Falsifying|^E  ' $$log; rm -f $$log; exit $$status

clean:
	rm -rf $(VENV) node_modules $(MO)
