"""Templates that read the talk's data files: csv(), json() and month() in {render}.

The test talk (roots/test-data-templates) has one template that writes
figures of its CSV file (_data/authors.csv) and a value of its JSON file.
Every expected figure is worked out here from those files, with the csv and
json modules, never copied from the output.
"""

from __future__ import annotations

import csv
import json
import shutil
import time

import pytest

from machinery.support import ROOTS, build_apart, one_warning, rebuilt_as_clean, warnings
from talkbook.testing import soup

ROOT = ROOTS / "test-data-templates"
SIDES = ["handbook", "deck"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def in_words(month: str) -> str:
    return f"{MONTHS[int(month[5:]) - 1]} {month[:4]}"


def items(outdir) -> dict[str, str]:
    """The page's list: the text before the first ': ' of each item, and the rest."""
    found = {}
    for li in soup(outdir / "index.html").select("li"):
        key, _, value = " ".join(li.get_text().replace("\u2019", "'").split()).partition(": ")
        found[key] = value
    return found


def expected(root=ROOT) -> dict[str, str]:
    with open(root / "_data" / "authors.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    summary = json.loads((root / "_data" / "summary.json").read_text(encoding="utf-8"))
    every = [r for r in rows if r["repository"] == "all" and r["month"] <= summary["last_full_month"]]
    peak = max(every, key=lambda r: int(r["authors"]))  # the first of equals, as Jinja's max
    last = every[-1]
    added = sum(int(r["authors"]) for r in rows if r["month"] == last["month"] and r["repository"] != "all")
    return {
        "first": f"{every[0]['authors']} in {in_words(every[0]['month'])}",
        "peak": f"{peak['authors']} in {in_words(peak['month'])}",
        "last": f"{last['authors']} in {in_words(last['month'])}",
        f"repositories added up in {last['month']}": str(added),
        "method": summary["method"],
    }


@pytest.mark.parametrize("side", SIDES)
def test_the_figures_come_from_the_data_files(talk, side):
    app = talk("data-templates", side)
    assert warnings(app) == []
    found = items(app.outdir)
    for key, value in expected().items():
        assert found[key] == value, key


@pytest.mark.parametrize("side", SIDES)
def test_a_cell_written_as_a_number_is_one_and_text_stays_text(talk, side):
    app = talk("data-templates", side)
    found = items(app.outdir)
    with open(ROOT / "_data" / "authors.csv", newline="", encoding="utf-8") as f:
        notes = [(r["month"], r["repository"], r["note"]) for r in csv.DictReader(f) if r["note"]]
    assert notes  # the file has markup, a number with a leading zero, a decimal and a negative figure
    for month, repository, note in notes:
        number = note.lstrip("-").replace(".", "", 1).isdigit() and not note.lstrip("-").startswith("0")
        assert found[f"note {month} {repository}"] == f"{note} ({'number' if number else 'text'})"
    page = soup(app.outdir / "index.html")
    # Markup in the data is its own characters: no bold, no role, no element from it.
    assert not page.select("main strong, section strong, li b, li a.reference.internal")


def test_a_data_edit_reads_the_page_again_as_a_clean_build_would(tmp_path):
    root = shutil.copytree(ROOT, tmp_path / "talk")
    data = root / "_data" / "authors.csv"
    saved = tmp_path / "saved.csv"
    shutil.copy2(data, saved)
    for side in SIDES:
        _outdir, said = build_apart(root, side, tmp_path / f"build-{side}")
        assert said == []
    time.sleep(0.01)
    steps = [
        ("a new peak in the CSV", lambda: data.write_text(
            data.read_text(encoding="utf-8").replace("2011-02,all,6,", "2011-02,all,60,"), encoding="utf-8")),
        ("the CSV put back with its older time", lambda: shutil.copy2(saved, data)),
        ("the JSON's last month moved", lambda: (root / "_data" / "summary.json").write_text(
            '{"last_full_month": "2011-04", "method": "Counted again"}\n', encoding="utf-8")),
    ]
    for number, (step, change) in enumerate(steps, start=1):
        change()
        for side in SIDES:
            rebuilt = rebuilt_as_clean(root, side, tmp_path / f"build-{side}", tmp_path / f"clean-{number}-{side}",
                                       step)
            assert items(rebuilt) | expected(root) == items(rebuilt), (step, side)
    assert items(rebuilt)["peak"].startswith("7 ") and items(rebuilt)["method"] == "Counted again"


BAD = [
    ("outside the talk's folder", '{{ csv("../outside.csv") }}', "page",
     ["template stats/summary.md failed", "../outside.csv:", "is outside the talk's folder",
      "Copy the file into the talk's folder"]),
    ("a missing file", '{{ csv("_data/missing.csv") }}', "page",
     ["there is no file _data/missing.csv in the talk's folder", "relative to that folder"]),
    ("a row too short", '{{ csv("_data/short.csv") }}', "_data/short.csv:3",
     ["the row has 2 values, the header (line 1) 3", "read by the template stats/summary.md at",
      "Write one value per column"]),
    ("bad JSON", '{{ json("_data/bad.json") }}', "_data/bad.json:3",
     ["the file is not valid JSON", "read by the template stats/summary.md", "Fix the JSON on that line"]),
    ("not a month", '{{ month("2011-13") }}', "page", ["month('2011-13'): give a month as YYYY-MM"]),
]


@pytest.mark.parametrize("template, where, words", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_a_mistake_gets_one_warning_with_the_file_the_line_and_the_fix(talk, tmp_path, template, where, words):
    root = shutil.copytree(ROOT, tmp_path / "data-templates")
    (tmp_path / "outside.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / "_data" / "short.csv").write_text("month,repository,authors\n2011-01,nova,1\n2011-02,2\n",
                                              encoding="utf-8")
    (root / "_data" / "bad.json").write_text('{\n  "a": 1,\n  "b": nope\n}\n', encoding="utf-8")
    (root / "_templates" / "stats" / "summary.md").write_text(template + "\n", encoding="utf-8")
    app = talk("data-templates")
    location = f"{root / '_shared' / 'figures.md'}:1:" if where == "page" else f"{root / where}:"
    one_warning(app, location, words)
    assert str(tmp_path / "outside.csv") not in (app.outdir / "index.html").read_text(encoding="utf-8")
