# Links to servers that the tests start on 127.0.0.1 (PORT is set by the test):
# the handbook here, the deck in slides/.
extensions = ["myst_parser", "talkbook"]
exclude_patterns = ["_build", "slides", "_templates"]
templates_path = ["_templates"]
talkbook_deck_srcdir = "slides"
talkbook_handbook_srcdir = "."
talkbook_require_notes = False
linkcheck_timeout = 2
linkcheck_retries = 1
linkcheck_workers = 4
linkcheck_rate_limit_timeout = 5.0
linkcheck_anchors = True
linkcheck_allowed_redirects = {
    # The test's own rule: /moved answers with a redirect to /ok, as intended.
    r"^http://127\.0\.0\.1:\d+/moved$": r"^http://127\.0\.0\.1:\d+/ok$",
}
