# The search index after a rebuild: a glossary on one page, index entries on
# another, and a page that changes between builds.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
talkbook_deck_srcdir = "slides"  # none: a handbook alone
talkbook_handbook_srcdir = "."
