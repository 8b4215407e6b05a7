# Templates that read the talk's data files (csv(), json(), month()): the handbook here, the deck in slides/.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build", "_shared", "_data", "slides"]
templates_path = ["_templates"]
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "."
talkbook_require_notes = False
