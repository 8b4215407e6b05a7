# The deck's side of the talk: the same settings, seen from slides/.
from pathlib import Path

exec((Path(__file__).resolve().parent.parent / "conf.py").read_text())
exclude_patterns = ["_build"]
talkbook_deck_srcdir = "."
talkbook_handbook_srcdir = ".."
