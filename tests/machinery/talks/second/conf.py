"""A second talk, built with the same machinery: what "Start your own talk" in README.md describes."""

import os

project = "Tea for developers"
author = "A. Speaker"
copyright = "2026, A. Speaker"

extensions = ["myst_parser", "talkbook"]
templates_path = ["_templates"]
exclude_patterns = ["_shared", "_data", "_*.md", "**/_*.md"]
nitpicky = True
myst_enable_extensions = ["colon_fence", "deflist"]

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
