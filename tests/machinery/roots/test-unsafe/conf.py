# Markdown that tries to run script: the handbook here, the deck in slides/.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_shared", "_build", "slides"]
myst_enable_extensions = ["colon_fence"]
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "."
talkbook_require_notes = False
