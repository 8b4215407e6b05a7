"""{chart}: a CSV file of the talk drawn as inline SVG, on the slide and in the handbook.

The test talk (tests/roots/test-charts) has four charts in shared fragments,
one of each kind, from three CSV files in its _data/ folder: long files as a
measuring tool writes them (``month,repository,authors``;
``date,repository,commit,python_lines``) and a wide one (``month,nova,glance``).
Every expected figure is read from those files here.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sphinx.errors import ConfigError

from machinery.support import ROOTS, build_apart, differences, one_warning, rebuilt_as_clean, warnings
from talkbook.testing import soup

ROOT = ROOTS / "test-charts"
DATA = ROOT / "_data"
SIDES = ["handbook", "deck"]


def rows(name: str, folder: Path = DATA) -> list[dict]:
    with open(folder / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def figures(points: list[tuple[str, str]]) -> str:
    """What the text alternative says of one series: (date, figure) pairs in order."""
    top = max(points, key=lambda p: float(p[1]))  # the first of equals
    return (f"first {points[0][1]} ({points[0][0]}), highest {top[1]} ({top[0]}), "
            f"last {points[-1][1]} ({points[-1][0]})")


def chart_on(page, section: str):
    """The chart's container in the slide or handbook section *section*."""
    container = page.find(id=section).select_one("div.talkbook-chart")
    assert container is not None, section
    return container


def page_of(app):
    return soup(app.outdir / "index.html")


def viewbox(svg) -> list[float]:
    return [float(v) for v in svg["viewbox"].split()]


def colours(svg, attribute: str) -> list[str]:
    """The colours of *attribute* (fill or stroke) in the drawing's styles, in order, once each."""
    styles = " ".join(e.get("style", "") for e in svg.find_all(True))
    found = re.findall(rf"(?<![\w-]){attribute}: (#[0-9a-f]{{6}})", styles)
    return list(dict.fromkeys(found))


# -- What each output shows -----------------------------------------------------------


@pytest.mark.parametrize("side", SIDES)
def test_a_chart_is_inline_svg_text_with_its_figures_as_text_alternative(talk, side):
    app = talk("charts", side)
    assert warnings(app) == []
    svg = chart_on(page_of(app), "authors").find("svg")
    everything = [(r["month"], r["authors"]) for r in rows("contributors-per-month.csv") if r["repository"] == "all"]
    assert svg["role"] == "img"
    assert svg["aria-label"] == (f"Distinct authors per month, all repositories, {everything[0][0]} to "
                                 f"{everything[-1][0]}: {figures(everything)}")
    # Words as text (searchable, printable), the mark's label among them.
    labels = [t.get_text() for t in svg.find_all("text")]
    assert "Diablo summit" in labels
    assert any(label.startswith(everything[0][0][:4]) for label in labels)  # a date on the x axis
    # Our own markup, and nothing that reaches beyond the drawing.
    assert not svg.find_all(["script", "style", "metadata", "foreignobject", "image"])
    assert "width" not in svg.attrs and "height" not in svg.attrs  # it follows its container
    assert not [a for e in svg.find_all(True) for a in e.attrs if a.startswith("on")]


@pytest.mark.parametrize("side", SIDES)
def test_ids_are_unique_in_the_page_and_every_reference_resolves(talk, side):
    page = page_of(talk("charts", side))
    ids = [e["id"] for e in page.find_all(id=True)]
    assert len(ids) == len(set(ids))
    charts = page.select("svg.talkbook-chart-svg")
    assert len(charts) == 4
    for svg in charts:
        values = [str(v) for e in svg.find_all(True) for v in e.attrs.values()]
        references = {m for v in values for m in re.findall(r"(?:^#|url\(#)([\w.-]+)", v)}
        assert references and references <= set(ids)


def test_names_are_drawn_as_written(talk, tmp_path):
    # matplotlib reads "$...$" as mathematics and leaves "_names" out of a legend.
    root = shutil.copytree(ROOT, tmp_path / "charts")
    (root / "_data" / "names.csv").write_text("month,_draft,$x$ cost\n2011-01,1,2\n2011-02,3,4\n", encoding="utf-8")
    (root / "index.md").write_text("# Names\n\n```{chart} _data/names.csv\n:alt: Names\n:y: _draft, $x$ cost\n```\n",
                                   encoding="utf-8")
    app = talk("charts")
    assert warnings(app) == []
    svg = page_of(app).select_one("svg.talkbook-chart-svg")
    assert [t.get_text() for t in svg.find_all("text")][-2:] == ["_draft", "$x$ cost"]


def test_each_output_has_a_drawing_of_its_own_shape(talk):
    deck = viewbox(chart_on(page_of(talk("charts", "deck")), "authors").find("svg"))
    handbook = viewbox(chart_on(page_of(talk("charts", "handbook")), "authors").find("svg"))
    assert deck[2] / deck[3] == pytest.approx(16 / 9)  # a slide's shape
    assert handbook[3] > handbook[2]  # taller than wide: a phone's column
    assert deck[2] > handbook[2]


def test_the_handbook_shows_the_figures_in_a_collapsed_table_and_the_deck_none(talk):
    page = page_of(talk("charts", "handbook"))
    container = chart_on(page, "by-repository")
    details = container.find("details")
    assert details is not None and "open" not in details.attrs
    assert details.find("summary").get_text() == "The figures: Distinct authors per month and repository"
    table = details.find("table")
    assert [th.get_text(strip=True) for th in table.find_all("th")] == ["month", "nova", "swift"]
    shown = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    data = rows("contributors-per-month.csv")
    months = [m for m in dict.fromkeys(r["month"] for r in data) if "2010-09" <= m <= "2011-04"]
    value = {(r["month"], r["repository"]): r["authors"] for r in data}
    assert shown == [[m, value[m, "nova"], value[m, "swift"]] for m in months]
    deck = page_of(talk("charts", "deck"))
    assert deck.select("div.talkbook-chart") and not deck.select("div.talkbook-chart details, div.talkbook-chart table")


def test_a_stacked_series_that_starts_later_counts_as_0_before_its_first_date(talk, tmp_path):
    from talkbook.charts import parse_spec, read_chart, stacked

    root = shutil.copytree(ROOT, tmp_path / "charts")
    text = CSV + "2011-02,swift,2\n2011-03,swift,1\n"  # swift's repository begins in February
    path = root / "_data" / "later.csv"
    path.write_text(text, encoding="utf-8")
    data = rows("later.csv", root / "_data")
    months = sorted({r["month"] for r in data})
    value = {(r["month"], r["repository"]): float(r["authors"]) for r in data}
    options = {"alt": "Later", "y": "authors", "series": "repository", "kind": "stacked-area"}
    chart = read_chart(path, text.encode("utf-8"), parse_spec(options), "_data/later.csv")
    assert stacked(chart) == [[value.get((m, name), 0.0) for m in months] for name in ("nova", "swift")]
    body = "".join(f":{key}: {option}\n" for key, option in options.items())
    (root / "index.md").write_text(f"(later)=\n# Later\n\n```{{chart}} _data/later.csv\n{body}```\n",
                                   encoding="utf-8")
    app = talk("charts")
    assert warnings(app) == []
    table = chart_on(page_of(app), "later").find("table")
    shown = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    # The table shows the figures as the file has them: none for swift before its first.
    assert shown[0] == [months[0], str(int(value[months[0], "nova"])), ""]


def test_a_range_keeps_the_dates_within_it(talk):
    svg = chart_on(page_of(talk("charts", "deck")), "by-repository").find("svg")
    data = [r for r in rows("contributors-per-month.csv") if "2010-09" <= r["month"] <= "2011-04"]
    described = [f"{name}: " + figures([(r["month"], r["authors"]) for r in data if r["repository"] == name])
                 for name in ("nova", "swift")]
    assert svg["aria-label"] == "Distinct authors per month and repository, 2010-09 to 2011-04: " + "; ".join(described)
    assert [t.get_text() for t in svg.find_all("text")][-2:] == ["nova", "swift"]  # the legend, in the file's order


def test_a_wide_file_gives_a_series_per_column_and_keeps_its_decimals(talk):
    page = page_of(talk("charts", "handbook"))
    container = chart_on(page, "review-days")
    data = rows("review-days.csv")
    described = "; ".join(f"{name}: " + figures([(r["month"], r[name]) for r in data]) for name in ("nova", "glance"))
    assert container.find("svg")["aria-label"] == (f"Median days to a first review, {data[0]['month']} to "
                                                   f"{data[-1]['month']}: {described}")
    body = container.find("tbody").find_all("tr")
    assert [[td.get_text() for td in tr.find_all("td")] for tr in body] == [
        [r["month"], r["nova"], r["glance"]] for r in data]


def test_each_series_takes_the_next_colour_of_the_palette(talk):
    app = talk("charts", "deck", confoverrides={"talkbook_palette": ["#112233", "Teal", "#abc"]})
    assert warnings(app) == []
    page = page_of(app)
    palette = {"#112233", "#008080", "#aabbcc"}  # CSS's teal is #008080; #abc is #aabbcc
    lines = chart_on(page, "by-repository").find("svg")
    assert [c for c in colours(lines, "stroke") if c in palette] == ["#112233", "#008080"]
    bars = chart_on(page, "review-days").find("svg")
    assert [c for c in colours(bars, "fill") if c in palette] == ["#112233", "#008080"]
    # A bar per month and series (and a patch of each colour in the legend).
    fills = re.findall(r"fill: (#[0-9a-f]{6})", " ".join(p.get("style", "") for p in bars.find_all("path")))
    assert fills.count("#112233") == fills.count("#008080") == len(rows("review-days.csv")) + 1


def test_the_default_palette_is_used_in_order(talk):
    from talkbook.config import CONFIG_VALUES

    svg = chart_on(page_of(talk("charts", "handbook")), "code-size").find("svg")
    palette = CONFIG_VALUES["talkbook_palette"][0]
    stacked = [c for c in colours(svg, "fill") if c in palette]
    assert stacked == palette[:len({r["repository"] for r in rows("code-size.csv")})]


@pytest.mark.parametrize("palette, wrong", [
    (["#12"], "'#12' is not a CSS colour"),
    (["#0072b2", "blurple"], "'blurple' is not a CSS colour"),
    (["rgb(0, 0, 0)"], "'rgb(0, 0, 0)' is not a CSS colour"),
    ([], "the list is empty"),
    ("#0072b2", "must be a list"),
])
def test_a_bad_palette_stops_the_build_with_what_to_write(talk, tmp_path, palette, wrong):
    root = shutil.copytree(ROOT, tmp_path / "charts")
    with open(root / "conf.py", "a", encoding="utf-8") as conf:
        conf.write(f"talkbook_palette = {palette!r}\n")
    with pytest.raises(ConfigError) as raised:
        talk("charts")
    assert "talkbook_palette" in str(raised.value) and wrong in str(raised.value)


# -- Reproducible, incremental, drawn once ------------------------------------------


def _run(*command: str) -> None:
    # A process of its own (its own hash seed), as make runs each build.
    result = subprocess.run([sys.executable, *command], capture_output=True, text=True,
                            env={**os.environ, "PYTHONHASHSEED": "random", "SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stdout + result.stderr


def _site_and_zip(root: Path, out: Path) -> Path:
    """Both sides built, then the site and its zip, as make does: the build folder."""
    for builder, source, name in (("html", root, "html"), ("revealjs", root / "slides", "deck")):
        _run("-m", "sphinx", "-q", "-W", "-b", builder, "-d", str(out / "doctrees" / name), str(source), str(out / name))
    _run("-m", "talkbook.tools.site", "--html", str(out / "html"), "--deck", str(out / "deck"), "--site",
         str(out / "site"), "--dist", str(out / "dist"), "--name", "charts")
    return out


def test_two_builds_in_two_folders_give_the_same_site_and_zip(tmp_path):
    first, second = (shutil.copytree(ROOT, tmp_path / name / "talk") for name in ("one", "two-elsewhere"))
    built = [_site_and_zip(root, root.parent / "build") for root in (first, second)]
    assert differences(built[0] / "site", built[1] / "site") == []
    zips = [(b / "dist" / "charts.zip").read_bytes() for b in built]
    assert zips[0] == zips[1]
    for page in ("index.html", "slides/index.html"):
        text = (built[0] / "site" / page).read_text(encoding="utf-8")
        assert "talkbook-chart-svg" in text and str(tmp_path) not in text, page


def test_a_rebuild_after_a_data_edit_is_the_clean_build(tmp_path):
    import importlib

    from sphinx.application import builtin_extensions

    # Imported once here, for every forked build.
    for name in [*builtin_extensions, "furo", "myst_parser", "sphinx_revealjs", "talkbook.charts",
                 "matplotlib.figure", "matplotlib.dates", "matplotlib.backends.backend_svg"]:
        importlib.import_module(name)
    root = shutil.copytree(ROOT, tmp_path / "charts")
    data = root / "_data" / "contributors-per-month.csv"
    saved = tmp_path / "saved.csv"
    shutil.copy2(data, saved)
    before = {}
    for side in SIDES:
        outdir, said = build_apart(root, side, tmp_path / f"build-{side}")
        assert said == []
        before[side] = (outdir / "index.html").read_bytes()
    time.sleep(0.01)
    steps = [
        ("a month added to the data", lambda: data.write_text(
            data.read_text(encoding="utf-8") + "2011-07,all,97\n2011-07,nova,70\n2011-07,swift,29\n", encoding="utf-8")),
        ("the data put back with its older time", lambda: shutil.copy2(saved, data)),
    ]
    for number, (step, change) in enumerate(steps, start=1):
        change()
        for side in SIDES:
            rebuilt = rebuilt_as_clean(root, side, tmp_path / f"build-{side}", tmp_path / f"clean-{number}-{side}",
                                       step)
            page = (rebuilt / "index.html").read_bytes()
            label = chart_on(soup(rebuilt / "index.html"), "authors").find("svg")["aria-label"]
            assert ("to 2011-07:" in label) == (number == 1), (step, label)
            assert (page == before[side]) == (number == 2), step


def _drawn(app) -> list[str]:
    return [line for line in app.status.getvalue().splitlines() if "chart drawn:" in line]


def test_a_page_read_again_with_its_charts_unchanged_draws_nothing(talk, tmp_path):
    app = talk("charts", verbosity=2)
    assert len(_drawn(app)) == 4  # the first build draws each chart
    cache = Path(app.doctreedir) / "talkbook-charts"
    kept = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(kept) == 4
    page = tmp_path / "charts" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added after the charts.\n", encoding="utf-8")
    app = talk("charts", verbosity=2)
    assert "A sentence added after the charts." in (app.outdir / "index.html").read_text(encoding="utf-8")
    assert _drawn(app) == []
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == kept
    # The data of one chart changes: that chart alone is drawn again; its old drawing goes.
    data = tmp_path / "charts" / "_data" / "review-days.csv"
    data.write_text(data.read_text(encoding="utf-8") + "2011-07,5,2.5\n", encoding="utf-8")
    app = talk("charts", verbosity=2)
    drawn = _drawn(app)
    assert len(drawn) == 1 and "_data/review-days.csv" in drawn[0]
    now = {p.name for p in cache.iterdir()}
    assert len(now) == 4 and len(now & kept.keys()) == 3


# -- Mistakes: the file, the line, what to do ------------------------------------------

#: (name, the page's chart options, the CSV's text or None for no file, where, words)
#: The page is index.md; its {chart} directive is on line 3. "CSV:n" is line n of _data/bad.csv.
CSV = "month,repository,authors\n2011-01,nova,3\n2011-02,nova,5\n2011-03,nova,4\n"
BAD = [
    ("missing column", ":y: authers", CSV, "CSV:1", ["there is no column 'authers'", "Fix the name in :y:"]),
    ("not a number", ":y: authors", CSV.replace("5\n", "n/a\n"), "CSV:3", ["authors is 'n/a', which is not a number",
                                                                        "Write a figure with digits"]),
    ("unknown file", ":y: authors", None, "page", ["there is no file _data/bad.csv", "relative to the file"]),
    ("empty file", ":y: authors", "", "CSV:1", ["the file is empty", "header line"]),
    ("a header, no rows", ":y: authors", "month,repository,authors\n", "CSV:1", ["a header but no rows"]),
    ("bad date in :from:", ":y: authors\n:from: 2011-13", CSV, "page", [":from: 2011-13 is not a date", "YYYY-MM"]),
    ("mark outside the range", ":y: authors\n:marks: 2012-01 Essex", CSV, "page",
     [":marks: 2012-01 (Essex) is outside the chart, which runs from 2011-01 to 2011-03", "move the mark"]),
    ("mark without a label", ":y: authors\n:marks: 2011-02", CSV, "page", ["is not 'DATE label'"]),
    ("bad date in the data", ":y: authors", CSV.replace("2011-02", "Feb 2011"), "CSV:3",
     ["month is 'Feb 2011', which is not a date", "YYYY-MM or YYYY-MM-DD"]),
    ("dates written two ways", ":y: authors", CSV.replace("2011-02", "2011-02-01"), "CSV:3",
     ["month 2011-02-01 is a day, but line 2 has 2011-01"]),
    ("a row twice", ":y: authors\n:series: repository", CSV + "2011-01,nova,9\n", "CSV:5",
     ["a second row for month 2011-01 and repository nova (the first is on line 2)", "Keep one row per date"]),
    ("a row too short", ":y: authors", CSV.replace("2011-02,nova,5", "2011-02,5"), "CSV:3",
     ["the row has 2 values, the header (line 1) 3"]),
    ("not UTF-8", ":y: authors", CSV.replace("nova", "nov\udce9"), "CSV:2", ["not UTF-8", "Save it as UTF-8"]),
    ("unknown kind", ":y: authors\n:kind: pie", CSV, "page", [":kind: pie is not a kind of chart", "stacked-area"]),
    ("no :alt:", None, CSV, "page", ["no :alt: text"]),
    ("no :y:", ":x: month", CSV, "page", [":y: is missing"]),
    ("unknown series", ":y: authors\n:series: repository\n:only: novva", CSV, "page",
     [":only: novva: no row of _data/bad.csv has that in its column repository (it has: nova)"]),
    ("more series than colours", ":y: " + ", ".join(f"c{i}" for i in range(8)),
     "month," + ",".join(f"c{i}" for i in range(8)) + "\n2011-01," + ",".join("1" * 8) + "\n", "page",
     ["8 series", "talkbook_palette 7 colours", "add colours to talkbook_palette"]),
    ("a gap in a stacked area", ":y: authors\n:series: repository\n:kind: stacked-area",
     CSV + "2011-01,swift,1\n2011-03,swift,2\n", "page",
     ["a stacked area needs every series at every date from its first, and swift has no figure for 2011-02"]),
    ("outside the talk's folder", ":y: authors", "outside", "page",
     ["is outside the talk's folder", "Copy the file into the talk's folder"]),
]


def test_a_data_file_linked_from_outside_the_talk_stops_the_build_before_any_page(talk, tmp_path):
    # talkbook.boundary looks at every symbolic link of the sources before a page is read.
    root = shutil.copytree(ROOT, tmp_path / "charts")
    (tmp_path / "outside.csv").write_text(CSV, encoding="utf-8")
    (root / "_data" / "bad.csv").symlink_to(tmp_path / "outside.csv")
    with pytest.raises(ConfigError, match=r"_data/bad\.csv: a symbolic link to .*outside\.csv, outside the talk"):
        talk("charts")


@pytest.mark.parametrize("name, options, text, where, words", BAD, ids=[case[0] for case in BAD])
def test_a_mistake_gets_one_warning_with_the_file_the_line_and_the_fix(talk, tmp_path, name, options, text, where,
                                                                        words):
    root = shutil.copytree(ROOT, tmp_path / "charts")
    path = "_data/bad.csv"
    if text == "outside":
        (tmp_path / "outside.csv").write_text(CSV, encoding="utf-8")
        path = "../outside.csv"
    elif text is not None:
        (root / "_data" / "bad.csv").write_bytes(text.encode("utf-8", "surrogateescape"))
    alt = "" if options is None else ":alt: What it shows\n" + options + "\n"
    (root / "index.md").write_text(f"# Bad\n\n```{{chart}} {path}\n{alt}```\n", encoding="utf-8")
    app = talk("charts")
    location = f"{root / 'index.md'}:3:" if where == "page" else f"{root / '_data' / 'bad.csv'}:{where[4:]}:"
    one_warning(app, location, words)
    assert not page_of(app).select("div.talkbook-chart, svg.talkbook-chart-svg")
