extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build"]
talkbook_deck_srcdir = "."
talkbook_handbook_srcdir = "."
talkbook_projects_file = "projects.yaml"
talkbook_require_notes = False
templates_path = ["_templates"]
revealjs_use_section_ids = True
