# A talk: the handbook here, the deck in slides/ (its conf.py reads this one).
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_shared", "slides", "_build"]
myst_enable_extensions = ["colon_fence"]
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "."
talkbook_require_notes = False
