"""The checks every talk gets from talkbook, on this talk (its own tests are in content/)."""

from talkbook.testing import TalkChecks


class TestTalk(TalkChecks):
    """talkbook's checks: a strict build, every slide labelled and with notes, links
    between slides and handbook both ways, the offline download, its search,
    accessibility, the PDFs (talkbook.testing.TalkChecks says what each does)."""
