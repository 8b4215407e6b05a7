"""The suite: this talk's tests (content/, test_talk.py) and talkbook's own (machinery/).

- ``talkbook.testing``: the checks every talk runs on its own build, and their
  fixtures (``built_site``: this talk, built once per session with ``make``,
  as a speaker builds it; Chromium, driven by Playwright).
- ``sphinx.testing.fixtures``: ``@pytest.mark.sphinx(...)`` and ``make_app``,
  which build the small projects of ``machinery/roots/test-<name>/``.
"""

pytest_plugins = ["talkbook.testing", "sphinx.testing.fixtures"]
