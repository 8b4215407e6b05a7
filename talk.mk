# This talk's settings and its own targets, read at the end of the Makefile
# (which is talkbook's: `talkbook upgrade` writes it again, never this file).

# The download's name: _build/dist/$(NAME).zip, and the folder inside it.
NAME = get-a-python-job

# -- talkbook's own figures: this repository is talkbook's home too -------------------

# Speed and size against the stock tools, run side by side (bench/build.py).
.PHONY: bench
bench: $(VENVDIR)/.installed-bench
	$(PYTHON) bench/build.py --out $(BUILDDIR)/bench

# talkbook's own tests (tests/machinery/) need more than a talk's: requirements/develop.txt.
test: $(VENVDIR)/.installed-develop
