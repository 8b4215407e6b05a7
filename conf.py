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
