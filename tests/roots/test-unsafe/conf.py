extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_shared", "_build"]
myst_enable_extensions = ["colon_fence"]
talkbook_deck_srcdir = "."
talkbook_handbook_srcdir = "."
talkbook_projects_file = ""
talkbook_require_notes = False
revealjs_use_section_ids = True
