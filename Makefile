# The verbs people type. Each creates what it needs (.venv, installs) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo serve test golden screenshots pictures bench bench-compare lint clean os-packages

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: the demo branch's Q1 notice table and the year's grades
demo: $(STAMP)
	$(BIN)/jifen report --ledger ledgers/demo --quarter 2023Q1
	$(BIN)/jifen grade --ledger ledgers/demo --year 2023

## serve: the demo ledger's web pages (jifen serve) with demo accounts, printed with their passwords
serve: $(STAMP)
	$(BIN)/jifen serve ledgers/demo --demo

## test: the whole test suite, a worker per core (pytest-xdist)
test: $(STAMP) os-packages
	$(BIN)/python -m pytest -q -n auto

## golden: rewrite the expected outputs in tests/cases/ from what jifen prints today.
## Only the tests that use them run; each is reported as skipped ("golden file updated"),
## not passed, since nothing was compared. Read `git diff tests/cases` before committing.
golden: $(STAMP)
	JIFEN_UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q -p no:cacheprovider -m golden

## screenshots: the phone view of jifen serve (card, declare, a graded rule's declaration, notice, objection, the committee's roll-up) into docs/screenshots,
## taken by the browser test; a normal test run writes nothing there
screenshots: $(STAMP) os-packages
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_web_browser.py --screenshots docs/screenshots

## os-packages: Debian's chromium and chromium-driver, a CJK font (charts, pages) and poppler for the print and
## browser tests, and zsh for the test of a Tab in a real zsh (needs root; those tests are skipped otherwise)
os-packages:
	@command -v zsh >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zsh; } \
	  >/dev/null 2>&1 || echo "make: could not install zsh (needs root and Debian's packages); the zsh completion test will be skipped"
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk poppler-utils; } \
	  >/dev/null 2>&1 || echo "make: could not install chromium (needs root and Debian's packages); the print and browser tests will be skipped"
	@command -v soffice >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui; } \
	  >/dev/null 2>&1 || echo "make: could not install libreoffice-calc-nogui (needs root and Debian's packages); the Excel print test will be skipped"

## pictures: docs/handouts/*.png, a picture of each handout (notices, card, forms, chart) made by jifen itself
pictures: $(STAMP) os-packages
	$(BIN)/python scripts/handout_pictures.py

## bench: time jifen on synthetic 10,000 and 100,000 event ledgers, a realistic branch (50 members, ten years)
## against ledger, a 100-branch roll-up, and the peers
## (ledger and hledger from Debian, beancount into the bench's venv only: none is a dependency of jifen)
bench: $(STAMP)
	@command -v ledger >/dev/null 2>&1 && command -v hledger >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ledger hledger; } >/dev/null 2>&1 || \
	  echo "make: could not install ledger and hledger (needs root); they are left out"
	@$(BIN)/python -m pip install --quiet beancount || echo "make: could not install beancount; it is left out"
	$(BIN)/python bench/run.py --write docs/benchmarks.md

## bench-compare: this tree against another revision (BASE=rev, default HEAD~1), as ratios of paired runs
BASE ?= HEAD~1
bench-compare: $(STAMP)
	$(BIN)/python bench/compare.py --base $(BASE)

## lint: ruff with the rules in pyproject.toml
lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis bench/out
