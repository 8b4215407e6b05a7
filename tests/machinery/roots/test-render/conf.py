# A talk whose data holds markup of every kind: the handbook here, the deck in slides/.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build", "_shared", "slides"]
myst_enable_extensions = ["colon_fence"]
templates_path = ["_templates"]
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "."
talkbook_projects_file = "projects.yaml"
talkbook_facts_file = "facts.yaml"
talkbook_require_notes = False
