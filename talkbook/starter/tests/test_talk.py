"""The checks every talk gets from talkbook, on this talk, and this talk's own tests."""

from talkbook.testing import TalkChecks, plain, soup


class TestTalk(TalkChecks):
    """talkbook's checks: a strict build, every slide labelled and with notes, links
    between slides and handbook both ways, the offline download, its search,
    accessibility, the PDFs (talkbook.testing.TalkChecks says what each does)."""


# This talk's own tests go below. An example: the title slide shows the talk's
# title as conf.py names it.


def test_the_title_slide_shows_the_talks_title(built_site):
    heading = soup(built_site.deck_html).select_one("section#title h1")
    assert heading is not None, "the deck has no title slide labelled (title)="
    assert plain(heading.get_text()).rstrip("#").strip() == plain(built_site.settings["project"])
