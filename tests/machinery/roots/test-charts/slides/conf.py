# The deck's side: the same settings, seen from slides/, on talkbook's deck theme at 1280x720.
from pathlib import Path

exec((Path(__file__).resolve().parent.parent / "conf.py").read_text())
exclude_patterns = ["_build"]
talkbook_deck_srcdir = "."
talkbook_handbook_srcdir = ".."
revealjs_html_theme = "talkbook-deck"
revealjs_style_theme = "talkbook-deck.css"
revealjs_script_conf = {"hash": True, "width": 1280, "height": 720, "margin": 0.06, "center": True}
