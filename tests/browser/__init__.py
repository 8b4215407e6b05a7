"""Browser tests: the built site in headless Chromium (Playwright, Debian's browser).

A package, so that its conftest imports as ``browser.conftest`` and never
shadows ``tests/conftest.py``, which the other test modules import.
"""
