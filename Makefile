# Makefile for the talk "Get a Python job, Work on OpenStack!" and its handbook.
#
# `make` sets up .venv from requirements.txt when it is missing, builds the
# handbook and the deck, and assembles _build/site/ and _build/dist/NAME.zip.

VENVDIR     ?= .venv
PYTHON3     ?= python3
PYTHON      := $(VENVDIR)/bin/python
SPHINXBUILD := $(VENVDIR)/bin/sphinx-build
BUILDDIR    ?= _build
# sphinx-build, with a "what to do" line under each warning and no tracebacks,
# run by the warm build helper of $(BUILDDIR)/.warm when one is ready (Sphinx
# imported already; TALKBOOK_WARM=0 turns it off; see talkbook/warm.py).
BUILD       := $(PYTHON) -m talkbook.build --warm $(BUILDDIR)/.warm
JOBS        ?= auto
NAME        ?= get-a-python-job
SPHINXOPTS  ?=
# Strict: a warning fails the build, but every warning is shown first.
SPHINXFLAGS := -W --keep-going -n -q -c . $(SPHINXOPTS)
REQUIREMENTS := requirements.txt
VENV_STAMP  := $(VENVDIR)/.installed
# Live preview (make serve): on 127.0.0.1, this port.
PORT        ?= 8000
# Headless Chromium, Debian's package, prints the PDF and runs the browser tests.
CHROMIUM    := $(or $(TALKBOOK_CHROMIUM),/usr/bin/chromium)
BROWSER_PACKAGES := chromium fonts-dejavu-core
PDF          = $(BUILDDIR)/dist/$(NAME)-slides.pdf
export TALKBOOK_CHROMIUM := $(CHROMIUM)

# Reproducible archives: the time of the last commit unless told otherwise.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
export SOURCE_DATE_EPOCH

.DEFAULT_GOAL := all

.PHONY: all help venv html deck site zip pdf dist serve browser clean clean-venv test

help:
	@echo "Targets:"
	@echo "  all (default)  set up $(VENVDIR) if needed, build handbook and deck,"
	@echo "                 assemble $(BUILDDIR)/site/ and $(BUILDDIR)/dist/$(NAME).zip"
	@echo "  html           build the handbook only ($(BUILDDIR)/html)"
	@echo "  deck           build the deck only ($(BUILDDIR)/deck)"
	@echo "  site           assemble $(BUILDDIR)/site/ from both builds"
	@echo "  zip            the offline download, $(BUILDDIR)/dist/$(NAME).zip"
	@echo "  pdf            print the deck to $(PDF) (needs Chromium)"
	@echo "  dist           the offline download with the deck's PDF in it"
	@echo "  serve          live preview on http://127.0.0.1:$(PORT)/ (PORT=...), rebuilt on save"
	@echo "  browser        check for Chromium; as root, install it when missing"
	@echo "  test           run the whole test suite"
	@echo "  bench          performance figures against their targets ($(BUILDDIR)/bench/results.json)"
	@echo "  linkcheck      check every external URL of deck and handbook ($(BUILDDIR)/linkcheck/output.json)"
	@echo "  venv           create $(VENVDIR) from $(REQUIREMENTS)"
	@echo "  clean          remove $(BUILDDIR)/ (build output only; the warm build helper leaves with it)"
	@echo "  clean-venv     remove $(VENVDIR)/"
	@echo "  <builder>      any other Sphinx builder on the handbook, e.g. 'make text'"
	@echo "TALKBOOK_WARM=0 turns off the warm build helper that makes rebuilds faster (README.md)."

all: zip

venv: $(VENV_STAMP)

$(VENV_STAMP): $(REQUIREMENTS)
	@if [ ! -x "$(PYTHON)" ]; then \
		echo "Creating $(VENVDIR) with $(PYTHON3)"; \
		$(PYTHON3) -m venv $(VENVDIR) || { echo "error: could not create $(VENVDIR): install python3-venv"; exit 1; }; \
	fi
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	@touch $@

# Put the site together from both builds (and, with --dist, the download).
ASSEMBLE    = $(PYTHON) -m talkbook.site --html $(BUILDDIR)/html --deck $(BUILDDIR)/deck --site $(BUILDDIR)/site
HTML_BUILD  = -b html -j $(JOBS) -d $(BUILDDIR)/doctrees/html $(SPHINXFLAGS) source $(BUILDDIR)/html
DECK_BUILD  = -b revealjs -d $(BUILDDIR)/doctrees/deck $(SPHINXFLAGS) slides $(BUILDDIR)/deck

html: venv
	@rm -f $(BUILDS_STAMP)
	$(BUILD) $(HTML_BUILD)

deck: venv
	@rm -f $(BUILDS_STAMP)
	$(BUILD) $(DECK_BUILD)

# Up-to-date checks: `make` with nothing changed runs nothing. Both builds run,
# side by side, when a file either of them reads (directories too, so adding or
# removing a file counts) changed since their last success (the stamp, taken
# before they start), when an output is missing, or when SPHINXOPTS is set.
# Changes are found by ctime, which also catches a file put back with an old
# mtime; in talkbook/ only files count (Python adds __pycache__ folders there).
# The site and the download are put together again after the builds.
STAMPS       = $(BUILDDIR)/.stamps
BUILDS_STAMP = $(STAMPS)/builds
ZIP          = $(BUILDDIR)/dist/$(NAME).zip
BUILD_INPUTS = conf.py Makefile source slides _templates _static talkbook
changed_since = $(shell find $(BUILD_INPUTS) -name __pycache__ -prune -o -cnewer $(1) \
	\( -type f -o ! -path 'talkbook*' \) -print -quit 2>/dev/null)
BUILDS_DUE = $(or $(strip $(SPHINXOPTS)),$(if $(wildcard $(BUILDS_STAMP)),,missing), \
	$(if $(and $(wildcard $(BUILDDIR)/html/index.html),$(wildcard $(BUILDDIR)/deck/index.html)),,missing), \
	$(call changed_since,$(BUILDS_STAMP)))

$(BUILDS_STAMP): $(VENV_STAMP) $(if $(strip $(BUILDS_DUE)),FORCE)
	@mkdir -p $(STAMPS) && touch $@.new
	$(BUILD) $(HTML_BUILD) --and $(DECK_BUILD)
	@mv -f $@.new $@

site: $(BUILDS_STAMP)
	$(ASSEMBLE)

zip: $(ZIP)

$(ZIP): $(BUILDS_STAMP) $(if $(wildcard $(BUILDDIR)/site/index.html),,FORCE) \
		$(if $(filter $(SOURCE_DATE_EPOCH),$(file <$(STAMPS)/epoch)),,FORCE)
	$(ASSEMBLE) \
		--dist $(BUILDDIR)/dist --name $(NAME)
	@echo $(SOURCE_DATE_EPOCH) > $(STAMPS)/epoch

.PHONY: FORCE
FORCE:

pdf: browser site
	$(PYTHON) -m talkbook.pdf --deck $(BUILDDIR)/site/slides/index.html --out $(PDF)

dist: pdf
	$(ASSEMBLE) \
		--dist $(BUILDDIR)/dist --name $(NAME) --extra $(PDF)

serve: venv
	$(PYTHON) -m talkbook.serve --port $(PORT) --builddir $(BUILDDIR)

# Chromium for the PDF and the browser tests: installed with apt-get when we are
# root and it is missing; otherwise stop and say how to install it.
browser:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$(CHROMIUM)" = /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Chromium is missing: apt-get install -y $(BROWSER_PACKAGES)"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y $(BROWSER_PACKAGES) || { apt-get update && apt-get install -y $(BROWSER_PACKAGES); } \
			|| { echo "error: could not install Chromium: apt-get install -y $(BROWSER_PACKAGES)"; exit 1; }; \
	else \
		echo "error: Chromium is missing at $(CHROMIUM): install it with: sudo apt-get install -y $(BROWSER_PACKAGES)"; \
		exit 1; \
	fi

# The browser tests save their screenshots in $(BUILDDIR)/screenshots/.
test: venv browser
	TALKBOOK_SCREENSHOTS=$(BUILDDIR)/screenshots $(PYTHON) -m pytest

# Performance figures against their targets (bench/build.py): a table, and
# $(BUILDDIR)/bench/results.json. A few minutes; it builds in a temporary folder.
.PHONY: bench
bench: venv
	$(PYTHON) bench/build.py --out $(BUILDDIR)/bench

clean:
	rm -rf -- "$(BUILDDIR)"

clean-venv:
	rm -rf -- "$(VENVDIR)"

# Every external URL of both outputs, checked once each (talkbook.linkcheck);
# the report is $(BUILDDIR)/linkcheck/output.json. Needs the network.
.PHONY: linkcheck
linkcheck: site
	$(PYTHON) -m talkbook.linkcheck --site $(BUILDDIR)/site --out $(BUILDDIR)/linkcheck

# Files make must never try to build with the catch-all rule below.
Makefile $(REQUIREMENTS) conf.py: ;

# Any other Sphinx builder, on the handbook ("make text", "make epub", ...).
%: venv
	$(SPHINXBUILD) -M $@ source $(BUILDDIR) $(SPHINXFLAGS)
