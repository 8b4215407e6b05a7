# Charts from the data of tests/roots/test-charts/_data: the handbook here (furo), the deck in slides/.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build", "_shared", "_data", "slides"]
html_theme = "furo"
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "."
talkbook_require_notes = False
