"""talkbook's checks of a talk, as a pytest plugin: every talk runs the same ones on its own build.

A talk's ``tests/conftest.py`` turns the plugin on, the way ``sphinx.testing``
is turned on::

    pytest_plugins = ["talkbook.testing"]

and its ``tests/test_talk.py`` runs the checks on the talk::

    from talkbook.testing import TalkChecks

    class TestTalk(TalkChecks):
        pass

:class:`~talkbook.testing.checks.TalkChecks` says what each check does: a
strict build, every slide labelled and with notes, crosslinks both ways, the
offline download (nothing fetched, search working), accessibility (axe: no
serious or critical problem), every slide fitting its 1280x720 stage, the
PDFs, link previews, the 404 page. A talk's own tests sit beside it and use
the same fixtures.

The fixtures:

- ``talk_folder``: the talk's folder, pytest's root folder (where its
  ``pytest.ini`` is); a conftest may override it;
- ``built_site``: a :class:`BuiltSite`, the talk built once per session by
  ``make all``, as its speaker builds it, for the address :data:`SITE_URL`;
- ``unzipped``: its offline download, unpacked;
- ``chromium``, ``browser``, ``site_url``, ``open_tab``, ``tab``,
  ``screenshots``: Debian's Chromium, driven by Playwright, and the site
  served on 127.0.0.1 (:mod:`talkbook.testing.browser`).

No check reaches beyond the machine: the plugin points every HTTP client
that honours the proxy variables (requests, so Sphinx's link check) at a port
of 127.0.0.1 where nothing listens, and the browser refuses every request
that would leave it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from talkbook.testing.browser import (  # noqa: F401 - fixtures of the plugin
    DESKTOP, PHONE, READY, Tab, browser, chromium, open_deck, open_tab, screenshots, settle, show_slide, site_url, tab,
)
from talkbook.testing.checks import TalkChecks
from talkbook.testing.talk import (
    SITE_URL, BuiltSite, build_once, deck_slides, in_ci, make, pdf_text, plain, soup, unzip,
)

__all__ = ["DESKTOP", "PHONE", "READY", "SITE_URL", "BuiltSite", "Tab", "TalkChecks", "deck_slides", "in_ci", "make",
           "open_deck", "pdf_text", "plain", "settle", "show_slide", "soup"]


def pytest_configure(config: pytest.Config) -> None:
    # Loopback only: a request that honours these goes nowhere (port 9 is discard).
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ[name] = "http://127.0.0.1:9"
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


@pytest.fixture(scope="session")
def talk_folder(pytestconfig: pytest.Config) -> Path:
    """The talk's folder: pytest's root folder, which holds conf.py."""
    folder = Path(pytestconfig.rootpath)
    if not (folder / "conf.py").is_file():
        pytest.fail(f"{folder} has no conf.py: run the tests from the talk's folder (make test), "
                    "or override the talk_folder fixture.", pytrace=False)
    return folder


@pytest.fixture(scope="session")
def built_site(talk_folder: Path, tmp_path_factory: pytest.TempPathFactory,
               pytestconfig: pytest.Config) -> BuiltSite:
    """The talk, built once per session by ``make all`` (once for all pytest-xdist workers)."""
    shared = tmp_path_factory.getbasetemp()
    if hasattr(pytestconfig, "workerinput"):  # a pytest-xdist worker: its folder is in the session's
        shared = shared.parent
    return build_once(talk_folder, shared)


@pytest.fixture(scope="session")
def unzipped(built_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline download, unpacked: its one folder."""
    return unzip(built_site.zip, tmp_path_factory.mktemp("unzipped"))

