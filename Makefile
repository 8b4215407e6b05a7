# Makefile for a talk written once in MyST Markdown: the deck, the handbook,
# the site that holds both and its offline download.
#
# `make` sets up .venv from requirements/build.txt when needed, builds the
# handbook and the deck side by side, and puts _build/site/ and
# _build/dist/$(NAME).zip together. `make help` lists every target.
#
# This file is talkbook's, the same in every talk: `talkbook upgrade` writes
# it again. The talk's own settings (NAME, the download's name) and targets
# go in talk.mk, which is read at the end.

# You can set these variables from the command line.
PYTHON3       ?= python3
VENVDIR       ?= .venv
BUILDDIR      ?= _build
# The talk: conf.py's folder, the handbook's and the deck's sources.
CONFDIR       ?= .
HANDBOOK      ?= source
DECK          ?= slides
# The deck's folder in the site (talkbook_deck_path in conf.py) and the download's name.
DECK_PATH     ?= slides
NAME          ?= $(notdir $(CURDIR))
SPHINXOPTS    ?=
# How many builds run at once (make's own -j): the handbook and the deck, side by side.
JOBS          ?= 2
# make serve: the preview's port on 127.0.0.1.
PORT          ?= 8000
# Headless Chromium, Debian's package: prints the PDFs, runs the browser tests.
CHROMIUM      ?= $(or $(TALKBOOK_CHROMIUM),/usr/bin/chromium)
BROWSER_PACKAGES = chromium fonts-dejavu-core

PYTHON        = $(VENVDIR)/bin/python
# sphinx-build, with a "what to do" line under each warning (talkbook/tools/build.py).
SPHINXBUILD   = $(PYTHON) -m talkbook.tools.build
# Strict: a warning fails the build, but every warning is shown first.
SPHINXFLAGS   = -W --keep-going -n -q -c $(CONFDIR) $(SPHINXOPTS)
SITE          = $(PYTHON) -m talkbook.tools.site --html $(BUILDDIR)/html --deck $(BUILDDIR)/deck \
                --site $(BUILDDIR)/site --deck-path $(DECK_PATH)
PDF           = $(BUILDDIR)/dist/$(NAME)-slides.pdf
HANDOUT       = $(BUILDDIR)/dist/$(NAME)-handout.pdf
# The link previews' picture (ogp_image in conf.py): the title slide, taken by make social-card.
SOCIAL_CARD   ?= _static/handbook/social-card.png

# The site's published address, for its sitemap and link previews: set it, or
# let Read the Docs set it (the GitHub workflow sets it for GitHub Pages).
export TALKBOOK_SITE_URL ?= $(READTHEDOCS_CANONICAL_URL)
export TALKBOOK_CHROMIUM := $(CHROMIUM)
# Reproducible archives: the time of the last commit unless told otherwise.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
export SOURCE_DATE_EPOCH

# Builds side by side, except when cleaning (`make clean all` runs in order).
ifeq ($(filter clean clean-venv,$(MAKECMDGOALS)),)
MAKEFLAGS += -j$(JOBS)
endif

.DEFAULT_GOAL := all

.PHONY: help
help:
	@echo "Please use 'make <target>' where <target> is one of:"
	@echo "  all        (the default) the handbook and the deck, $(BUILDDIR)/site/ and $(BUILDDIR)/dist/$(NAME).zip"
	@echo "  html       the handbook only, in $(BUILDDIR)/html"
	@echo "  deck       the deck only, in $(BUILDDIR)/deck"
	@echo "  site       $(BUILDDIR)/site/ without the download"
	@echo "  pdf        the deck as PDF, a page per build of a slide (needs Chromium)"
	@echo "  handout    the deck with its speaker notes as PDF, a slide a page (needs Chromium)"
	@echo "  dist       the download with both PDFs in it"
	@echo "  social-card  the link previews' picture, $(SOCIAL_CARD), from the title slide (needs Chromium)"
	@echo "  serve      live preview on http://127.0.0.1:$(PORT)/, rebuilt and reloaded on save"
	@echo "  linkcheck  check every external URL of both outputs, and the facts' dates (needs the network)"
	@echo "  test       run the whole test suite"
	@echo "  browser    check for Chromium; as root, install it when it is missing"
	@echo "  venv       create $(VENVDIR) with what builds the site"
	@echo "  clean      remove $(BUILDDIR)/ (build output only)"
	@echo "  clean-venv remove $(VENVDIR)/"
	@echo "  name       print the download's name (NAME, set in talk.mk)"
	@echo "  <builder>  any other Sphinx builder on the handbook, e.g. 'make text'"
	@echo "and the talk's own targets, in talk.mk."

# -- The virtual environment: one set of pinned requirements per purpose ------------

$(PYTHON):
	$(PYTHON3) -m venv $(VENVDIR) || { echo "error: could not create $(VENVDIR): install python3-venv"; exit 1; }

# requirements/<purpose>.txt installed; each file pins every package it needs.
$(VENVDIR)/.installed-%: requirements/%.txt $(wildcard requirements/*.txt) | $(PYTHON)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

# What builds the talk: requirements/build.txt, and charts.txt too (matplotlib...)
# when any file of the talk has a {chart}: a page, a slide, a fragment or a template
# (build output, the virtual environment, git's files, the tests, the requirements and
# the Makefiles aside). One found by mistake costs only matplotlib's install.
BUILD_NEEDS  := $(if $(shell grep -rlsF --exclude-dir=$(notdir $(BUILDDIR)) --exclude-dir=$(notdir $(VENVDIR)) \
                  --exclude-dir=.git --exclude-dir=tests --exclude-dir=requirements --exclude=Makefile \
                  --exclude='*.mk' '{chart}' $(CONFDIR) $(HANDBOOK) $(DECK) | head -n 1),charts,build)

.PHONY: venv
venv: $(VENVDIR)/.installed-$(BUILD_NEEDS)

# -- The two builds, and what is made of them ------------------------------------------

.PHONY: html deck all site
html: venv
	$(SPHINXBUILD) -b html -d $(BUILDDIR)/doctrees/html $(SPHINXFLAGS) $(HANDBOOK) $(BUILDDIR)/html

deck: venv
	$(SPHINXBUILD) -b revealjs -d $(BUILDDIR)/doctrees/deck $(SPHINXFLAGS) $(DECK) $(BUILDDIR)/deck

all: html deck
	$(SITE) --dist $(BUILDDIR)/dist --name $(NAME)

site: html deck
	$(SITE)

.PHONY: pdf handout dist
pdf: $(VENVDIR)/.installed-browser browser site
	$(PYTHON) -m talkbook.tools.pdf --deck $(BUILDDIR)/site/$(DECK_PATH)/index.html --out $(PDF)

handout: $(VENVDIR)/.installed-browser browser site
	$(PYTHON) -m talkbook.tools.pdf --handout --deck $(BUILDDIR)/site/$(DECK_PATH)/index.html --out $(HANDOUT)

dist: pdf handout
	$(SITE) --dist $(BUILDDIR)/dist --name $(NAME) --extra $(PDF) --extra $(HANDOUT)

.PHONY: social-card
social-card: $(VENVDIR)/.installed-browser browser site
	$(PYTHON) -m talkbook.tools.card --deck $(BUILDDIR)/site/$(DECK_PATH)/index.html --out $(SOCIAL_CARD)

# -- Preview, link check ------------------------------------------------------------

.PHONY: serve
serve: $(VENVDIR)/.installed-preview
	$(PYTHON) -m talkbook.tools.serve --port $(PORT) --builddir $(BUILDDIR) --confdir $(CONFDIR) \
		--handbook $(HANDBOOK) --deck $(DECK) --deck-path $(DECK_PATH)

# Sphinx's linkcheck builder on each output (settings in conf.py), then one
# report: $(BUILDDIR)/linkcheck/output.json, with the facts due for a check.
LINKCHECK_HANDBOOK = $(BUILDDIR)/linkcheck/handbook
LINKCHECK_DECK     = $(BUILDDIR)/linkcheck/deck

.PHONY: linkcheck linkcheck-handbook linkcheck-deck
linkcheck-handbook: venv
	-$(SPHINXBUILD) -b linkcheck -d $(BUILDDIR)/doctrees/linkcheck-handbook $(SPHINXFLAGS) $(HANDBOOK) $(LINKCHECK_HANDBOOK)

linkcheck-deck: venv
	-$(SPHINXBUILD) -b linkcheck -d $(BUILDDIR)/doctrees/linkcheck-deck $(SPHINXFLAGS) $(DECK) $(LINKCHECK_DECK)

linkcheck: linkcheck-handbook linkcheck-deck
	$(PYTHON) -m talkbook.tools.linkreport --confdir $(CONFDIR) --deck-path $(DECK_PATH) \
		--handbook $(LINKCHECK_HANDBOOK) --deck $(LINKCHECK_DECK) --out $(BUILDDIR)/linkcheck/output.json

# -- Tests and figures ---------------------------------------------------------------

# Chromium, for the PDFs and the browser tests: installed with apt-get when we
# are root and it is missing; otherwise stop and say how to install it.
.PHONY: browser
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

# The whole suite, its files spread over the machine's cores (pytest-xdist);
# the browser tests save their screenshots in $(BUILDDIR)/screenshots/.
.PHONY: test
test: $(VENVDIR)/.installed-test venv browser
	TALKBOOK_SCREENSHOTS=$(BUILDDIR)/screenshots $(PYTHON) -m pytest -n auto --dist loadfile

# -- Cleaning, and every other Sphinx builder ------------------------------------------

.PHONY: clean clean-venv
clean:
	rm -rf -- "$(BUILDDIR)"

clean-venv:
	rm -rf -- "$(VENVDIR)"

.PHONY: name
name:
	@echo $(NAME)

# Files make must never try to build with the catch-all rule below.
Makefile conf.py talk.mk: ;
requirements/%.txt: ;

# Any other Sphinx builder, on the handbook ("make text", "make epub", ...).
%: venv
	$(SPHINXBUILD) -M $@ $(HANDBOOK) $(BUILDDIR) $(SPHINXFLAGS)

# The talk's own settings and targets.
-include talk.mk
