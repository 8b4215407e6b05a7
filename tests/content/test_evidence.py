"""Slides 16 to 18 and the handbook's measured history: charts and figures from the measured data.

Every expected figure is worked out here from the files of source/_data/stats/ (measured by
talkbook gitstats) and the talk's month (source/_data/talk.json), with the csv and json
modules: a figure in the notes or on a page that the data does not give fails.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from talkbook.testing import DESKTOP, deck_slides, open_deck, plain, show_slide, soup
from talkbook.testing.browser import CHART_TEXT

SLIDES = {"code-size": "code-size.csv", "contributors-per-month": "contributors-per-month.csv",
          "hot-job-market": "domains-per-month.csv"}
#: The smallest chart text on a 1280x720 screen (tests/machinery/test_charts_browser.py says why).
DECK_FLOOR = 24


@pytest.fixture(scope="module")
def data(talk_folder):
    stats = talk_folder / "source" / "_data" / "stats"

    def rows(name):
        with open(stats / name, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    return {
        "talk": json.loads((talk_folder / "source" / "_data" / "talk.json").read_text(encoding="utf-8"))["month"],
        "provenance": json.loads((stats / "provenance.json").read_text(encoding="utf-8")),
        **{name: rows(name) for name in SLIDES.values()},
    }


def every(rows, column, until=None, since=""):
    """The ``all`` rows (the nine repositories together) from *since* to *until* (a month, inclusive)."""
    key = "date" if "date" in rows[0] else "month"
    return [r for r in rows if r["repository"] == "all" and since <= r[key] and (until is None or r[key][:7] <= until)]


def n(text: str) -> str:
    return f"{int(text):,}"


def month(text: str) -> str:
    names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
    return f"{names[int(text[5:7]) - 1]} {text[:4]}"


def in_order(expected: list[str], text: str) -> bool:
    """Whether *text* writes each of the *expected* figures (1,234 or 9.9), in that order."""
    found = iter(re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text))
    return all(figure in found for figure in expected)


@pytest.fixture(scope="module")
def deck(built_site):
    return soup(built_site.deck_html)


@pytest.mark.parametrize("slide", SLIDES)
def test_each_chart_runs_from_the_first_figure_to_the_talks_month(deck, data, slide):
    section = deck.find("section", id=slide)
    label = section.find("svg", class_="talkbook-chart-svg")["aria-label"]
    rows = every(data[SLIDES[slide]], None, data["talk"], since="2010-10-01" if slide == "code-size" else "")
    key = "date" if slide == "code-size" else "month"
    # "..., FIRST to LAST: first A (FIRST), highest B (WHEN), last C (LAST)" for one series.
    if slide != "code-size":  # one series, the nine repositories together
        column = "authors" if slide == "contributors-per-month" else "domains"
        top = max(rows, key=lambda r: int(r[column]))
        assert label.endswith(f"{rows[0][key]} to {rows[-1][key]}: first {rows[0][column]} ({rows[0][key]}), "
                              f"highest {top[column]} ({top[key]}), last {rows[-1][column]} ({rows[-1][key]})"), label
    else:  # stacked by repository, each with its own figures
        assert label.split(": ", 1)[0].endswith(f"{rows[0][key]} to {rows[-1][key]}"), label
        parts = [r for r in data["code-size.csv"] if r["date"] == rows[-1]["date"] and r["repository"] != "all"]
        for part in parts:
            assert f"{part['repository']}: first " in label and f"last {part['python_lines']} ({part['date']})" in label
        assert sum(int(p["python_lines"]) for p in parts) == int(rows[-1]["python_lines"])


def test_slide_16s_notes_give_the_code_size_from_the_data(deck, data):
    notes = plain(deck.find("section", id="code-size").find("aside", class_="notes").get_text(" "))
    rows = every(data["code-size.csv"], None, data["talk"], since="2010-10-01")
    first, last = rows[0], rows[-1]
    parts = sorted((r for r in data["code-size.csv"] if r["date"] == last["date"] and r["repository"] != "all"),
                   key=lambda r: -int(r["python_lines"]))
    vendored = next(r for r in data["code-size.csv"] if r["repository"] == "nova")
    unvendored = next(r for r in data["code-size.csv"] if r["repository"] == "nova" and r["date"] == first["date"])
    share = round(100 * int(parts[0]["python_lines"]) / int(last["python_lines"]))
    expected = [n(first["python_lines"]), n(last["python_lines"]),
                f"{int(last['python_lines']) / int(first['python_lines']):.1f}",
                n(parts[0]["python_lines"]), str(share), *(n(p["python_lines"]) for p in parts[1:]),
                n(vendored["python_lines"]), n(unvendored["python_lines"])]
    assert in_order(expected, notes), (expected, notes)
    assert f"{parts[0]['repository']} is the largest" in notes
    for words in (month(first["date"]), month(last["date"]), month(data["talk"]), "~openstack-cla", "3 March 2013",
                  "Quantum", "Freenode", "talkbook gitstats", month(data["provenance"]["end"])):
        assert words in notes, words


def test_slide_17s_notes_give_the_contributors_from_the_data(deck, data):
    notes = plain(deck.find("section", id="contributors-per-month").find("aside", class_="notes").get_text(" "))
    rows = every(data["contributors-per-month.csv"], None, data["talk"])
    last = rows[-1]
    before = next(r for r in rows if r["month"] == f"{int(last['month'][:4]) - 1}{last['month'][4:]}")
    peak = max(rows, key=lambda r: int(r["authors"]))
    own = [r for r in data["contributors-per-month.csv"] if r["month"] == last["month"] and r["repository"] != "all"]
    added = sum(int(r["authors"]) for r in own)
    nova = next(r for r in own if r["repository"] == "nova")
    # The repositories' own counts add up to more than the people: why the chart is not a stack.
    assert added > int(last["authors"])
    expected = [rows[0]["authors"], last["authors"], before["authors"], peak["authors"], str(added),
                nova["authors"], last["authors"]]
    assert in_order(expected, notes), (expected, notes)
    for words in (month(rows[0]["month"]), month(last["month"]), month(peak["month"]), ".mailmap"):
        assert words in notes, words


def test_slide_18_charts_domains_labelled_as_exactly_that(deck, data):
    section = deck.find("section", id="hot-job-market")
    credit = plain(section.select_one("p.chart-credit").get_text(" "))
    assert credit == "Distinct email domains of commit authors per month, personal providers left out"
    notes = plain(section.find("aside", class_="notes").get_text(" "))
    rows = every(data["domains-per-month.csv"], None, data["talk"])
    last = rows[-1]
    by_month = {r["month"]: r["domains"] for r in rows}
    year = int(last["month"][:4])
    peak = max(rows, key=lambda r: int(r["domains"]))
    expected = [by_month[f"{year - 2}{last['month'][4:]}"], by_month[f"{year - 1}{last['month'][4:]}"],
                last["domains"], peak["domains"]]
    assert in_order(expected, notes), (expected, notes)
    assert "not employers" in notes and "Gmail" in notes
    # Gmail is one of the providers the measure leaves out, as the provenance lists them.
    assert "gmail.com" in data["provenance"]["domain_rules"]["personal"]


def test_the_handbook_has_the_whole_history_with_the_talk_marked(built_site, data):
    page = soup(built_site.site / "reference" / "then-and-now.html")
    section = page.find(id="measured-history")
    charts = section.select("svg.talkbook-chart-svg")
    assert len(charts) == 3
    until = data["provenance"]["last_full_month"]
    for svg in charts:
        assert "the talk" in [t.get_text() for t in svg.find_all("text")]
    labels = [svg["aria-label"] for svg in charts]
    sizes = every(data["code-size.csv"], None, since="2010-10-01")
    assert labels[0].split(": ", 1)[0].endswith(f"{sizes[0]['date']} to {sizes[-1]['date']}")
    for label, name, column in ((labels[1], "contributors-per-month.csv", "authors"),
                                (labels[2], "domains-per-month.csv", "domains")):
        rows = every(data[name], None, until)
        top = max(rows, key=lambda r: int(r[column]))
        assert label.endswith(f"{rows[0]['month']} to {until}: first {rows[0][column]} ({rows[0]['month']}), "
                              f"highest {top[column]} ({top['month']}), last {rows[-1][column]} ({until})"), label
        # The figures in words: at the talk, the most and now.
        talk = next(r for r in rows if r["month"] == data["talk"])
        for item, figure, when in (("At the talk", talk[column], data["talk"]), ("The most", top[column], top["month"]),
                                   ("Now", rows[-1][column], until)):
            li = next(li for li in section.find_all("li") if li.get_text().startswith(item + ":")
                      and li.find_parent("section").find("svg") is not None
                      and li.find_parent("section").find("svg")["aria-label"] == label)
            assert plain(li.get_text()).startswith(f"{item}: {figure}") and month(when) in plain(li.get_text()), li
    # How it was measured: each repository's address and measured commit, from the provenance.
    links = {a["href"] for a in section.find_all("a", href=True)}
    for repo in data["provenance"]["repositories"]:
        assert repo["url"] in links and repo["head"][:10] in section.get_text()
    assert section.find("a", href=re.compile(r"how-to/measure-a-project\.html$"))


def test_the_charts_of_slides_16_to_18_read_from_the_back_of_the_room(open_tab, site_url, built_site):
    slides = deck_slides(built_site.deck_html)
    tab = open_tab(DESKTOP)
    open_deck(tab, site_url + "slides/index.html", transitions=False)
    for slide in SLIDES:
        show_slide(tab, [s.id for s in slides].index(slide))
        texts = tab.page.locator(f"section#{slide} svg.talkbook-chart-svg").evaluate(CHART_TEXT)
        smallest = min(texts, key=lambda t: t["size"])
        assert smallest["size"] >= DECK_FLOOR, f"{slide}: {smallest['text']!r} is {smallest['size']:.1f} px"
        # What the chart counts, and who counted, is as large as the smallest of the chart's text.
        credit = tab.page.locator(f"section#{slide} p.chart-credit")
        size = credit.evaluate("p => parseFloat(getComputedStyle(p).fontSize) * Reveal.getScale()")
        assert credit.is_visible() and size >= DECK_FLOOR - 1, f"{slide}: the credit line is {size:.1f} px"
