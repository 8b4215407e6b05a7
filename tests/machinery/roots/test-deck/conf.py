extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
talkbook_deck_srcdir = "."
talkbook_handbook_srcdir = "handbook"  # none: a deck alone
revealjs_script_plugins = [{"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"}]
revealjs_html_theme = "talkbook-deck"
revealjs_style_theme = "talkbook-deck.css"
