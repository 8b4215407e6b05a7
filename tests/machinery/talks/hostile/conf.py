"""A talk whose sources try to run script everywhere a page shows text: built like any talk, its
output must hold no script but the theme's (tests/test_sanitise.py, tests/browser/test_no_script.py)."""

import os

project = "Tea <img src=x onerror=alert('project')>"
author = "A. Speaker"
copyright = "2026, A. Speaker"

extensions = ["myst_parser", "sphinxext.opengraph", "talkbook"]
templates_path = ["_templates"]
exclude_patterns = ["_shared", "_data", "_*.md", "**/_*.md"]
nitpicky = True
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "attrs_block"]

html_theme = "furo"
html_title = "Tea for developers: the handbook"
html_static_path = ["_static/handbook"]
html_css_files = ["talk.css"]

revealjs_static_path = ["_static/deck"]
revealjs_css_files = ["deck.css"]
revealjs_script_conf = {"hash": True}
revealjs_script_plugins = [{"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"}]

talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "source"
talkbook_projects_file = "source/_data/projects.yaml"
talkbook_site_url = os.environ.get("TALKBOOK_SITE_URL", "")
# Two harmless tags may be written as HTML; nh3 keeps only their title and lang.
talkbook_raw_html_tags = ["kbd", "abbr"]

ogp_social_cards = {"enable": False}
