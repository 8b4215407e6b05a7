# The deck's side: the same settings, seen from slides/ (a data path is the talk folder's, the same here).
from pathlib import Path

exec((Path(__file__).resolve().parent.parent / "conf.py").read_text())
exclude_patterns = ["_build"]
templates_path = ["../_templates"]
talkbook_deck_srcdir = "."
talkbook_handbook_srcdir = ".."
