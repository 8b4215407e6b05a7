"""One configuration for both outputs of the talk.

The handbook is built from ``source/`` with the ``html`` builder and the deck
from ``slides/`` with sphinx-revealjs's ``revealjs`` builder, both with this
file (``sphinx-build -c .``). talkbook tells the two apart by their source
folder. The Makefile runs both and assembles the site.
"""

import os

# -- Project information -----------------------------------------------------

project = "Get a Python job, Work on OpenStack!"
author = "Thierry Carrez (talk); the talkbook contributors (handbook)"
copyright = "2013, Thierry Carrez (talk); the talkbook contributors (handbook)"
language = "en"

# -- General configuration ---------------------------------------------------

extensions = [
    # Third-party
    "myst_parser",
    "sphinxext.opengraph",
    # This project (it loads sphinx-revealjs for the deck, and the extensions below)
    "talkbook",
]

root_doc = "index"
templates_path = ["_templates"]
# Shared fragments, data and deck parts are included by pages, never pages themselves.
exclude_patterns = ["_shared", "_shared/**", "_data", "_*.md", "**/_*.md"]

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
html_static_path = ["_static/handbook"]
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
revealjs_static_path = ["_static/deck"]
revealjs_css_files = ["talk.css"]
revealjs_use_index = False
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
talkbook_deck_extensions = ["sphinx_revealjs"]
talkbook_handbook_extensions = ["notfound.extension"]
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "source"
talkbook_deck_path = "slides"
talkbook_deck_docname = "index"
talkbook_projects_file = "source/_data/projects.yaml"
talkbook_facts_file = "source/_data/facts.yaml"
# The charts' colours: talkbook's default (Okabe and Ito's colour-blind-safe
# colours, less their yellow), then two of Paul Tol's "muted" scheme, as slide
# 16 stacks nine repositories.
talkbook_palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#882255",
                    "#999933"]
# Where the site is published, ending in "/": the sitemap, canonical links and
# link previews need it. The Makefile passes it on from Read the Docs
# (READTHEDOCS_CANONICAL_URL); the GitHub workflow sets it for Pages.
talkbook_site_url = os.environ.get("TALKBOOK_SITE_URL", "")

# - sphinxext-opengraph (link previews; talkbook sets ogp_site_url from talkbook_site_url)
ogp_site_name = "Get a Python job, Work on OpenStack!"
ogp_image = "_static/social-card.png"  # the title slide, 1200x630 (make social-card)
ogp_image_alt = "The title slide: Get a Python job, Work on OpenStack!, by Thierry Carrez"
ogp_social_cards = {"enable": False}  # a picture of the talk instead of generated cards
ogp_custom_meta_tags = [
    '<meta name="twitter:card" content="summary_large_image">',
    # The picture's size: tests/test_previews.py checks it against the file.
    '<meta property="og:image:width" content="1200">',
    '<meta property="og:image:height" content="630">',
]

# - sphinx-notfound-page (talkbook sets notfound_urls_prefix from talkbook_site_url)
notfound_context = {
    "title": "Page not found",
    "body": "<h1>Page not found</h1><p>This page is not here. Start again from the "
    "<a href=\"index.html\">handbook's home page</a>, or use the search.</p>",
}

# - linkcheck (make linkcheck: Sphinx's builder on both outputs, one report)
linkcheck_timeout = 20  # seconds to wait for each answer
linkcheck_retries = 3  # attempts at a URL before it counts as broken
linkcheck_workers = 8  # URLs checked at once (Sphinx's default is 5)
linkcheck_rate_limit_timeout = 120.0  # most seconds to wait on a host's 429 answers for one URL
linkcheck_report_timeouts_as_broken = False  # a timeout is its own status; the report counts it as a failure
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
