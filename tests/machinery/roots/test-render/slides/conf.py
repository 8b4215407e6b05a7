# The deck's side: the same settings, seen from slides/.
from pathlib import Path

exec((Path(__file__).resolve().parent.parent / "conf.py").read_text())
exclude_patterns = ["_build"]
templates_path = ["../_templates"]
talkbook_deck_srcdir = "."
talkbook_handbook_srcdir = ".."
talkbook_projects_file = "../projects.yaml"
talkbook_facts_file = "../facts.yaml"
