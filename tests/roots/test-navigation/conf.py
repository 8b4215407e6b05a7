# The handbook's sidebar (talkbook.navigation) against furo's own: every shape
# of toctree the module must mark exactly as furo does, or leave to furo.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build"]
html_theme = "furo"
talkbook_deck_srcdir = "."
talkbook_handbook_srcdir = "."
talkbook_projects_file = ""
