# The handbook side of a two-project test: the deck is in slides/.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["slides", "_shared", "_build", "_*.md"]
myst_enable_extensions = ["colon_fence"]
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "."
