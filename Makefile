# Makefile for the talk "Get a Python job, Work on OpenStack!" and its handbook.
#
# `make` sets up .venv from requirements.txt when it is missing, builds the
# handbook and the deck, and assembles _build/site/ and _build/dist/NAME.zip.

VENVDIR     ?= .venv
PYTHON3     ?= python3
PYTHON      := $(VENVDIR)/bin/python
SPHINXBUILD := $(VENVDIR)/bin/sphinx-build
# sphinx-build, with a "what to do" line under each warning and no tracebacks.
BUILD       := $(PYTHON) -m talkbook.build
BUILDDIR    ?= _build
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
	@echo "  venv           create $(VENVDIR) from $(REQUIREMENTS)"
	@echo "  clean          remove $(BUILDDIR)/ (build output only)"
	@echo "  clean-venv     remove $(VENVDIR)/"
	@echo "  <builder>      any other Sphinx builder on the handbook, e.g. 'make text'"

all: zip

venv: $(VENV_STAMP)

$(VENV_STAMP): $(REQUIREMENTS)
	@if [ ! -x "$(PYTHON)" ]; then \
		echo "Creating $(VENVDIR) with $(PYTHON3)"; \
		$(PYTHON3) -m venv $(VENVDIR) || { echo "error: could not create $(VENVDIR): install python3-venv"; exit 1; }; \
	fi
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	@touch $@

html: venv
	$(BUILD) -b html -j $(JOBS) -d $(BUILDDIR)/doctrees/html $(SPHINXFLAGS) source $(BUILDDIR)/html

deck: venv
	$(BUILD) -b revealjs -d $(BUILDDIR)/doctrees/deck $(SPHINXFLAGS) slides $(BUILDDIR)/deck

site: html deck
	$(PYTHON) -m talkbook.site --html $(BUILDDIR)/html --deck $(BUILDDIR)/deck --site $(BUILDDIR)/site

zip: html deck
	$(PYTHON) -m talkbook.site --html $(BUILDDIR)/html --deck $(BUILDDIR)/deck --site $(BUILDDIR)/site \
		--dist $(BUILDDIR)/dist --name $(NAME)

pdf: browser site
	$(PYTHON) -m talkbook.pdf --deck $(BUILDDIR)/site/slides/index.html --out $(PDF)

dist: pdf
	$(PYTHON) -m talkbook.site --html $(BUILDDIR)/html --deck $(BUILDDIR)/deck --site $(BUILDDIR)/site \
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

clean:
	rm -rf -- "$(BUILDDIR)"

clean-venv:
	rm -rf -- "$(VENVDIR)"

# Files make must never try to build with the catch-all rule below.
Makefile $(REQUIREMENTS) conf.py: ;

# Any other Sphinx builder, on the handbook ("make text", "make epub", ...).
%: venv
	$(SPHINXBUILD) -M $@ source $(BUILDDIR) $(SPHINXFLAGS)
