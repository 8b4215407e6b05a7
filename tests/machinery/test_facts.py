"""The facts file: each fact with its value, check date and source, checked when loaded."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from sphinx.errors import ConfigError

from talkbook.data import DataError
from talkbook.facts import load_facts, stale_facts

GOOD = textwrap.dedent(
    """\
    review_months: 12
    facts:
      series:
        value: 2026.2 Hibiscus
        url: https://releases.example.test/hibiscus/
        checked: 2026-01-31
        source: https://releases.example.test/
      channel:
        value: "#talk-dev"
        checked: 2025-11-30
        source: https://governance.example.test/irc
        review_months: 6
        note: Read the channel list again.
    """
)


def _write(tmp_path, text):
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_fact_is_text_or_a_link(tmp_path):
    facts = load_facts(_write(tmp_path, GOOD))
    assert facts["series"].markdown() == "[2026\\.2 Hibiscus](<https://releases.example.test/hibiscus/>)"
    assert facts["channel"].markdown() == "\\#talk\\-dev"
    assert (facts["channel"].line, facts["channel"].review_months) == (8, 6)


def test_a_fact_is_due_when_its_review_period_is_over(tmp_path):
    facts = load_facts(_write(tmp_path, GOOD))
    # Twelve months after 31 January 2026 is 31 January 2027; six after 30 November 2025, 30 May 2026.
    assert facts["series"].due() == dt.date(2027, 1, 31)
    assert facts["channel"].due() == dt.date(2026, 5, 30)
    assert [f.name for f in stale_facts(facts, dt.date(2026, 5, 29))] == []
    assert [f.name for f in stale_facts(facts, dt.date(2026, 5, 30))] == ["channel"]
    assert [f.name for f in stale_facts(facts, dt.date(2027, 2, 1))] == ["series", "channel"]
    one_month = load_facts(_write(tmp_path, GOOD.replace("review_months: 12", "review_months: 1")))
    assert one_month["series"].due() == dt.date(2026, 2, 28)  # no 31 February


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (lambda t: t.replace("  series:", "  Series:"), 3, "a fact's name is lowercase letters"),
        (lambda t: t.replace("checked: 2026-01-31", "checked: last week"), 6, "'checked' must be the date"),
        (lambda t: t.replace("    checked: 2026-01-31\n", ""), 3, "its 'checked' date is missing"),
        (lambda t: t.replace("    source: https://releases.example.test/\n", ""), 3, "it has no 'source'"),
        (lambda t: t.replace("url: https://releases.example.test/hibiscus/", "url: javascript:alert(1)"), 5,
         "not an http(s) URL"),
        (lambda t: t.replace("    review_months: 6", "    review_months: soon"), 12, "review_months must be a whole number"),
        (lambda t: t.replace("    note: Read", "    colour: blue\n    note: Read"), 8, "unknown field(s) colour"),
        (lambda t: t.replace("value: 2026.2 Hibiscus", "value: [a, list]"), 4, "'value' must be text"),
    ],
    ids=["name", "checked", "checked-missing", "source", "url", "review-months", "unknown-field", "value"],
)
def test_bad_facts_name_file_line_and_fix(tmp_path, change, line, words):
    path = _write(tmp_path, change(GOOD))
    with pytest.raises(DataError) as caught:
        load_facts(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message and caught.value.fix in message


def test_a_bad_facts_file_stops_the_build_before_any_page(make_app, rootdir, tmp_path):
    import shutil

    root = tmp_path / "render"
    shutil.copytree(rootdir / "test-render", root)
    (root / "facts.yaml").write_text("facts:\n  channel:\n    value: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"facts\.yaml:2: fact .channel.: its .checked. date is missing"):
        make_app("html", srcdir=root)


def test_a_fact_and_a_substitution_of_conf_py_may_not_share_a_name(make_app, rootdir, tmp_path):
    import shutil

    root = tmp_path / "render"
    shutil.copytree(rootdir / "test-render", root)
    with pytest.raises(ConfigError, match="both define chat"):
        make_app("html", srcdir=root, confoverrides={"myst_substitutions": {"chat": "x"}})
