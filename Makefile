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

# Reproducible archives: the time of the last commit unless told otherwise.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
export SOURCE_DATE_EPOCH

.DEFAULT_GOAL := all

.PHONY: all help venv html deck site zip clean clean-venv test

help:
	@echo "Targets:"
	@echo "  all (default)  set up $(VENVDIR) if needed, build handbook and deck,"
	@echo "                 assemble $(BUILDDIR)/site/ and $(BUILDDIR)/dist/$(NAME).zip"
	@echo "  html           build the handbook only ($(BUILDDIR)/html)"
	@echo "  deck           build the deck only ($(BUILDDIR)/deck)"
	@echo "  site           assemble $(BUILDDIR)/site/ from both builds"
	@echo "  zip            the offline download, $(BUILDDIR)/dist/$(NAME).zip"
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

test: venv
	$(PYTHON) -m pytest

clean:
	rm -rf -- "$(BUILDDIR)"

clean-venv:
	rm -rf -- "$(VENVDIR)"

# Files make must never try to build with the catch-all rule below.
Makefile $(REQUIREMENTS) conf.py: ;

# Any other Sphinx builder, on the handbook ("make text", "make epub", ...).
%: venv
	$(SPHINXBUILD) -M $@ source $(BUILDDIR) $(SPHINXFLAGS)
