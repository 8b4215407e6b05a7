# A small talk on furo, edited step by step (tests/test_incremental.py): the
# handbook here, the deck in slides/.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build", "_shared", "slides"]
myst_enable_extensions = ["colon_fence"]
templates_path = ["_templates"]
html_theme = "furo"
html_title = "Tea: the handbook"
html_static_path = ["_static"]
html_css_files = ["talk.css"]
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "."
talkbook_projects_file = "projects.yaml"
