"""One configuration for both outputs of the talk.

The handbook is built from ``source/`` with the ``html`` builder and the deck
from ``slides/`` with the ``revealjs`` builder, both with this file
(``sphinx-build -c .``); the Makefile runs both and assembles the site.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# -- Project information -----------------------------------------------------

project = "Get a Python job, Work on OpenStack!"
author = "Thierry Carrez (talk); the talkbook contributors (handbook)"
copyright = "2013, Thierry Carrez (talk); the talkbook contributors (handbook)"
language = "en"

# -- General configuration ---------------------------------------------------

extensions = [
    # Third-party
    "myst_parser",
    "sphinx_revealjs",
    # This project
    "talkbook",
]

root_doc = "index"
templates_path = [str(ROOT / "_templates")]
# Shared fragments and deck parts are included by pages, never pages themselves.
exclude_patterns = ["_shared", "_shared/**", "_*.md", "**/_*.md"]

# Strict builds: every reference must resolve (the Makefile adds -W --keep-going).
nitpicky = True

myst_enable_extensions = [
    "colon_fence",  # ::: fences for directives that hold Markdown
    "deflist",
    "attrs_inline",
    "attrs_block",
]
myst_heading_anchors = 3

# -- Options for HTML output (the handbook) ----------------------------------

html_theme = "furo"
html_title = "How to contribute to OpenStack"
html_short_title = "OpenStack handbook"
html_static_path = [str(ROOT / "_static" / "handbook")]
html_css_files = ["handbook.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_permalinks_icon = "#"
html_theme_options = {
    "navigation_with_keys": True,
    "top_of_page_buttons": [],
}

# -- Options for Reveal.js output (the deck) ---------------------------------

revealjs_html_theme = "talkbook-deck"
revealjs_style_theme = "talkbook-deck.css"
revealjs_static_path = [str(ROOT / "_static" / "deck")]
revealjs_css_files = ["talk.css"]
revealjs_use_index = False
revealjs_use_section_ids = True  # with talkbook, a slide's id is its label
revealjs_script_conf = {
    "hash": True,  # each slide's URL fragment is its label: index.html#/why-python
    "slideNumber": "c/t",
    "showSlideNumber": "all",
    "controls": True,
    "progress": True,
    "center": True,
    "transition": "fade",
    "width": 1280,
    "height": 720,
    "margin": 0.06,
    "pdfSeparateFragments": True,
}
revealjs_script_plugins = [
    {"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"},
]

# -- Options for extensions --------------------------------------------------

# - talkbook
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "source"
talkbook_deck_path = "slides"
talkbook_deck_docname = "index"

# - linkcheck
# `python -m talkbook.linkcheck` (make linkcheck) checks every external URL of
# the built site, deck and handbook, with these settings. Sphinx's names keep
# their Sphinx meaning; every ignore and allowed redirect says why it is there.
linkcheck_timeout = 20  # seconds: to connect, and for each read of an answer
linkcheck_retries = 3  # attempts at a URL whose failure may pass (5xx, reset, timeout)
linkcheck_rate_limit_timeout = 120.0  # most seconds to wait on a host's 429s for a URL
linkcheck_anchors = True  # a #fragment must be an id (or <a name>) on its page
linkcheck_anchors_ignore = [
    "^!",  # Sphinx's default: #!... routes of script-driven pages, never ids
    "^/",  # #/... routes of single-page apps (reveal.js slides, Gerrit), not ids
    r"^L\d+(-L\d+)?$",  # line anchors of code browsers (#L12-L20), added by script
]
linkcheck_anchors_ignore_for_url = [
    r"^https://review\.opendev\.org/",  # Gerrit draws its pages with script: no ids in the HTML
]
linkcheck_ignore = [
    r"^https?://(localhost|127\.0\.0\.1)([:/]|$)",  # examples on the reader's own machine (DevStack)
    r"^https?://([^/]+\.)?example\.(com|org|net)([:/]|$)",  # placeholder domains (RFC 2606)
]
linkcheck_allowed_redirects = {
    # OpenStack's Gerrit moved to review.opendev.org in 2019; the talk's 2013 name redirects there.
    r"^https://review\.openstack\.org(/.*)?$": r"^https://review\.opendev\.org/",
    # A project's docs root sends the reader to its current release's docs.
    r"^https://docs\.openstack\.org/[^/]+/?$": r"^https://docs\.openstack\.org/[^/]+/latest/",
    # wiki.openstack.org answers on HTTPS only; the talk's 2013 links are plain HTTP.
    r"^http://wiki\.openstack\.org/": r"^https://wiki\.openstack\.org/",
    # WordPress.com serves blogs on HTTPS only; the 2013 link is plain HTTP.
    r"^http://fnords\.wordpress\.com/?$": r"^https://fnords\.wordpress\.com/?$",
}
talkbook_linkcheck_per_host = 4  # requests under way at once to one host
talkbook_linkcheck_cache_max_age = 86400  # seconds a working URL is not asked again
talkbook_linkcheck_workers = 0  # URLs checked at once; 0: per_host x hosts, at most 128
talkbook_linkcheck_backoff = 1.0  # seconds before the first retry; doubles each time
