"""Charts drawn from a CSV file of the talk, at build time, as inline SVG.

````markdown
```{chart} ../_data/contributors-per-month.csv
:alt: Distinct authors per month, all repositories
:x: month
:y: authors
:series: repository
:only: all
:from: 2010-07
:until: 2013-03
:marks: 2011-04 Diablo summit; 2012-10 Grizzly summit
```
````

The argument is the CSV file, relative to the file that holds the directive
(a shared fragment names it once, and both outputs find it); it must be inside
the talk's folder (the folder of ``conf.py``, or the one that holds both source
folders). Its first line names the columns. A file is **long** (a row per date
and series, as a measuring tool writes it: ``month,repository,authors``) or
**wide** (a column per series: ``month,nova,swift``).

``:alt:`` (required)
    What the chart shows. The chart's text alternative adds, from the data, its
    range and the first, highest and last figure of each series: "Distinct
    authors per month, all repositories, 2010-07 to 2013-03: first 12
    (2010-07), highest 450 (2013-03), last 450 (2013-03)".
``:y:`` (required)
    The column of figures; in a wide file, the columns, one series each:
    ``:y: nova, swift``.
``:x:``
    The column of dates, ``YYYY-MM`` or ``YYYY-MM-DD`` (one form per file);
    by default the first column.
``:series:``
    In a long file, the column whose values name the series: a line, an area
    or a set of bars per value.
``:only:`` / ``:exclude:``
    With ``:series:``: the values to keep (drawn in that order), or to leave
    out, separated by commas (``:only: all``, ``:exclude: all``).
``:kind:``
    ``line`` (the default), ``area``, ``stacked-area`` or ``bar``. A stacked
    area needs a figure for every series at every date from that series'
    first on; before its first date a series counts as 0 (a repository that
    did not exist yet, as a measuring tool leaves it out).
``:from:`` / ``:until:``
    The first and the last date shown, inclusive; ``YYYY-MM`` means the whole
    month.
``:marks:``
    Vertical lines with a label, separated by semicolons: ``2012-04 Folsom
    summit; 2012-10 Grizzly summit``. Each must fall within the chart's dates.
``:class:``
    Classes for the chart's container (``div.talkbook-chart``).

Colours come from ``talkbook_palette`` in ``conf.py`` (CSS colours, one per
series, in order; colour-blind-safe Okabe-Ito colours by default): a chart
with more series than colours is an error, not colours used twice.

**What is drawn.** matplotlib's SVG backend, with text as text
(``svg.fonttype = "none"``): the words and figures of a chart are found by the
search, print as text in the PDF and scale with the slide. The SVG is written
into the page as our own markup (a ``talkbook-generated`` raw node, as
:mod:`talkbook.diagrams` writes its SVG), so it works from ``file://``, needs
no script and no file beside the page. The deck and the handbook each get a
drawing of their own from the same data:

- the deck: 960x540 (16:9) at 26 px type, which reveal.js shows at about
  24 px on a 1280x720 screen (the back of the room); on a phone held upright
  it shrinks with the slide (about 10 px): the handbook's is the drawing to
  read on a phone;
- the handbook: 480x560, taller than wide, at 16 px type: about 12 px on a
  phone 390 px wide, where it takes the column's width, and 16 px on a wider
  screen, where it keeps its own. Below it, collapsed, a table of the figures
  (a ``<details>`` element); the deck shows none.

The text is set in DejaVu Sans, measured with the copy matplotlib ships (a
browser without it falls back to Verdana or its sans-serif). The output is
byte-reproducible: no date, no creator, ids derived from the chart's inputs
(``svg.hashsalt``) and then numbered per page, matplotlib's default style
whatever the machine's ``matplotlibrc`` says, and dates written as numbers
(``2012-04``), never with the machine's language.

**Rebuilds.** The CSV is a dependency of the page (compared by content, see
:mod:`talkbook.incremental`); the options are part of the page. A drawing is
kept in the doctree folder (``talkbook-charts/``) under a digest of the CSV's
bytes, the options, the palette, the output, matplotlib's version and this
module's code: a page read again with none of those changed (the deck is read
on every build) is not drawn again. ``sphinx-build -vv`` says each time a chart
is drawn ("chart drawn: ..."). Drawings no page uses any more are deleted at
the end of a build. Pages with charts are read again when matplotlib's version
changes.

A mistake (a missing column, a figure that is not a number, a bad date, a mark
outside the chart, a path that leaves the talk's folder...) is a warning that
names the file and the line (the CSV's, or the directive's) and what to do;
nothing is drawn.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import hashlib
import html
import io
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from talkbook.boundary import outside_talk, talk_root
from talkbook.config import is_deck
from talkbook.data import DataError
from talkbook.diagrams import SVG_NS, XLINK_NS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

ET.register_namespace("", SVG_NS)  # markup written without ns0: prefixes
ET.register_namespace("xlink", XLINK_NS)

KINDS = ("line", "area", "stacked-area", "bar")
#: Where drawings are kept, in the doctree folder.
CACHE_FOLDER = "talkbook-charts"
#: The text, the axes and the marks.
INK = "#1d1d1f"
MARK_INK = "#4a4a4a"
FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif"


@dataclass(frozen=True)
class Size:
    """One output's drawing: its box in px (SVG user units), its type and lines."""

    width: int
    height: int
    text: float
    line: float
    #: At most this many dates labelled on the x axis, and legend entries a row.
    ticks: int
    legend_columns: int


SIZES = {
    "deck": Size(width=960, height=540, text=26, line=4.5, ticks=6, legend_columns=3),
    "handbook": Size(width=480, height=560, text=16, line=2.5, ticks=5, legend_columns=2),
}


class ChartError(ValueError):
    """A mistake in the directive: its message says what is wrong and what to do."""


# -- The directive's options -----------------------------------------------------

_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_NUMBER = re.compile(r"^-?(?:\d+(?:\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class When:
    """A date as written (``2012-04`` or ``2012-04-17``), and the day it stands for."""

    text: str
    day: dt.date
    is_day: bool


def parse_date(text: str, last: bool = False) -> When | None:
    """*text* as a date; a month stands for its first day (its last with *last*)."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), match[3]
    try:
        if day is not None:
            return When(text.strip(), dt.date(year, month, int(day)), True)
        return When(text.strip(), dt.date(year, month, calendar.monthrange(year, month)[1] if last else 1), False)
    except (ValueError, calendar.IllegalMonthError):
        return None


@dataclass(frozen=True)
class Spec:
    """The directive's options, checked."""

    alt: str
    kind: str
    x: str | None
    y: tuple[str, ...]
    series: str | None
    only: tuple[str, ...]
    exclude: tuple[str, ...]
    start: When | None
    end: When | None
    marks: tuple[tuple[When, str], ...]


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(n.strip() for n in (value or "").split(",") if n.strip())


def parse_spec(options: dict) -> Spec:
    alt = " ".join(options.get("alt", "").split()).rstrip(".")
    if not alt:
        raise ChartError("the chart has no :alt: text: add one that says what it shows "
                         "(the range and the figures are added from the data)")
    kind = (options.get("kind") or "line").strip()
    if kind not in KINDS:
        raise ChartError(f":kind: {kind} is not a kind of chart: use one of {', '.join(KINDS)}")
    y = _names(options.get("y"))
    if not y:
        raise ChartError(":y: is missing: name the column of figures (:y: authors), "
                         "or the columns of a wide file, one series each (:y: nova, swift)")
    series = (options.get("series") or "").strip() or None
    if series and len(y) > 1:
        raise ChartError(f":series: {series} takes its series from a column, so :y: names one column, "
                         f"not {len(y)}: keep one, or drop :series: for a wide file")
    only, exclude = _names(options.get("only")), _names(options.get("exclude"))
    if (only or exclude) and not series:
        raise ChartError(":only: and :exclude: choose among the values of the :series: column: add :series:, "
                         "or, for a wide file, list the columns to draw in :y:")
    dates = {}
    for name in ("from", "until"):
        text = (options.get(name) or "").strip()
        if text:
            dates[name] = parse_date(text, last=name == "until")
            if dates[name] is None:
                raise ChartError(f":{name}: {text} is not a date: write it as YYYY-MM or YYYY-MM-DD")
    start, end = dates.get("from"), dates.get("until")
    if start and end and start.day > end.day:
        raise ChartError(f":from: {start.text} is after :until: {end.text}: swap them")
    marks = []
    for item in (options.get("marks") or "").split(";"):
        if not item.strip():
            continue
        text, _, label = item.strip().partition(" ")
        when = parse_date(text)
        if when is None or not label.strip():
            raise ChartError(f":marks: {item.strip()!r} is not 'DATE label': write each mark as a date "
                             "(YYYY-MM or YYYY-MM-DD), a space and its label, marks separated by ';'")
        marks.append((when, " ".join(label.split())))
    return Spec(alt=alt, kind=kind, x=(options.get("x") or "").strip() or None, y=y, series=series,
                only=only, exclude=exclude, start=start, end=end, marks=tuple(marks))


# -- The data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    when: When
    value: float
    #: The figure as the file writes it, and the file's line.
    text: str
    line: int


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class ChartData:
    x: str
    #: What a single series' figures are (its column), for the table's heading.
    y: str
    series: tuple[Series, ...]
    integers: bool

    def dates(self) -> list[When]:
        found = {p.when.day: p.when for s in self.series for p in s.points}
        return [found[day] for day in sorted(found)]


@functools.lru_cache(maxsize=32)
def csv_rows(path: Path, data: bytes) -> tuple:
    """(line, header, row) of each row with content; the header's line comes first as row None.

    A file is parsed once per content in a process (its charts and templates read it
    again and again); its rows are shared, so callers leave them as they are."""
    return tuple(_rows(path, data))


def _rows(path: Path, data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(path, data.count(b"\n", 0, err.start) + 1, f"the file is not UTF-8 ({err.reason})",
                        "Save it as UTF-8.") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header, header_line = [cell.strip() for cell in row], reader.line_num
                if "" in header or len(set(header)) != len(header):
                    raise DataError(path, header_line, "the header has an empty or a repeated column name",
                                    "Give every column a name of its own, separated by commas.")
                yield header_line, header, None
                continue
            if len(row) != len(header):
                raise DataError(path, reader.line_num,
                                f"the row has {len(row)} values, the header (line {header_line}) {len(header)}",
                                "Write one value per column, separated by commas; quote a value that holds a comma.")
            yield reader.line_num, header, dict(zip(header, (cell.strip() for cell in row)))
    except csv.Error as err:
        raise DataError(path, reader.line_num, f"the file is not valid CSV ({err})",
                        "Check the quotes on that line: a quoted value ends with a quote.") from None
    if header is None:
        raise DataError(path, 1, "the file is empty",
                        "Write a header line with the column names (such as month,repository,authors), "
                        "then one row per date.")


def read_chart(path: Path, data: bytes, spec: Spec, shown: str) -> ChartData:
    """The series *spec* selects from the CSV *data* (of *path*, shown as *shown*).

    A mistake in the file raises DataError (its line); one that the directive
    makes, or that needs both to fix, ChartError.
    """
    by_series: dict[str, dict[dt.date, Point]] = {}
    seen: dict[str, None] = {}  # every value of the series column, in order
    form: tuple[bool, int, str] | None = None  # (is a day, line, text) of the first date
    header_line, x = 1, spec.x
    integers = True
    for line, header, row in csv_rows(path, data):
        if row is None:
            header_line, x = line, spec.x or header[0]
            wanted = [("x", x), *(("y", name) for name in spec.y), *([("series", spec.series)] if spec.series else [])]
            for option, name in wanted:
                if name not in header:
                    raise DataError(path, line, f"there is no column {name!r}, which :{option}: names; the "
                                    f"columns are: {', '.join(header)}",
                                    f"Fix the name in :{option}:, or the file's header line.")
            continue
        when = parse_date(row[x])
        if when is None:
            raise DataError(path, line, f"{x} is {row[x]!r}, which is not a date",
                            "Write dates as YYYY-MM or YYYY-MM-DD.")
        if form is None:
            form = (when.is_day, line, when.text)
        elif form[0] != when.is_day:
            raise DataError(path, line, f"{x} {when.text} is a {'day' if when.is_day else 'month'}, but line "
                            f"{form[1]} has {form[2]}", "Write every date of the file the same way.")
        pairs = [(row[spec.series], row[spec.y[0]], spec.y[0])] if spec.series else \
                [(name, row[name], name) for name in spec.y]
        for name, cell, column in pairs:
            if not _NUMBER.match(cell):
                raise DataError(path, line, f"{column} is {cell!r}, which is not a number",
                                "Write a figure with digits, and a '.' for decimals (12, 3.5); 0 where there is none.")
            integers = integers and "." not in cell
            seen.setdefault(name)
            points = by_series.setdefault(name, {})
            if when.day in points:
                first = points[when.day]
                of = f" and {spec.series} {name}" if spec.series else ""
                raise DataError(path, line, f"a second row for {x} {when.text}{of} (the first is on line {first.line})",
                                "Keep one row per date" + (f" and {spec.series}" if spec.series else "")
                                + ": remove or merge one of them.")
            points[when.day] = Point(when, float(cell), cell, line)
    if not by_series:
        raise DataError(path, header_line, "the file has a header but no rows", "Add one row per date under it.")
    for option, names in (("only", spec.only), ("exclude", spec.exclude)):
        unknown = [n for n in names if n not in seen]
        if unknown:
            raise ChartError(f":{option}: {', '.join(unknown)}: no row of {shown} has that in its column "
                             f"{spec.series} (it has: {', '.join(seen)}); fix the name")
    names = list(spec.only) if spec.only else [n for n in seen if n not in spec.exclude]
    if not names:
        raise ChartError(f":exclude: leaves no series of {shown} to draw: exclude fewer")
    series = []
    for name in names:
        points = tuple(p for day, p in sorted(by_series[name].items())
                       if not (spec.start and day < spec.start.day) and not (spec.end and day > spec.end.day))
        if points:
            series.append(Series(name, points))
    if not series:
        every = sorted(day for points in by_series.values() for day in points)
        raise ChartError(f"no row of {shown} falls between :from: {spec.start.text if spec.start else '(start)'} "
                         f"and :until: {spec.end.text if spec.end else '(end)'} (its dates run from "
                         f"{every[0].isoformat()} to {every[-1].isoformat()}): fix the dates")
    chart = ChartData(x=x, y=spec.y[0] if len(spec.y) == 1 else "", series=tuple(series), integers=integers)
    dates = chart.dates()
    if spec.kind == "stacked-area":
        for item in chart.series:
            have = {p.when.day for p in item.points}
            missing = [d.text for d in dates if d.day not in have and d.day > item.points[0].when.day]
            if missing:
                raise ChartError(f"a stacked area needs every series at every date from its first, and {item.name} "
                                 f"has no figure for {missing[0]} in {shown}: add a row with 0 for it, or use "
                                 ":kind: line")
    for when, label in spec.marks:
        if not dates[0].day <= when.day <= dates[-1].day:
            raise ChartError(f":marks: {when.text} ({label}) is outside the chart, which runs from "
                             f"{dates[0].text} to {dates[-1].text}: move the mark, or widen :from: and :until:")
    return chart


def stacked(chart: ChartData) -> list[list[float]]:
    """Each series' figure at each of the chart's dates, 0 before its first: a stacked area's layers."""
    layers = []
    for item in chart.series:
        values = {p.when.day: p.value for p in item.points}
        layers.append([values.get(when.day, 0.0) for when in chart.dates()])
    return layers


def describe(alt: str, chart: ChartData) -> str:
    """The chart's text alternative: what it shows, its range, and each series' figures."""
    dates = chart.dates()
    parts = []
    for item in chart.series:
        first, last = item.points[0], item.points[-1]
        top = max(item.points, key=lambda p: p.value)  # the first of equals
        figures = (f"first {first.text} ({first.when.text}), highest {top.text} ({top.when.text}), "
                   f"last {last.text} ({last.when.text})")
        parts.append(figures if len(chart.series) == 1 else f"{item.name}: {figures}")
    return f"{alt}, {dates[0].text} to {dates[-1].text}: " + "; ".join(parts)


# -- Drawing ----------------------------------------------------------------------


def _style(size: Size, salt: str) -> dict:
    text = {name: size.text for name in ("font.size", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
                                          "legend.fontsize")}
    thin = size.line / 3
    return {
        **text,
        "svg.fonttype": "none",  # text as <text>: searchable, printable, scaled with the page
        "svg.hashsalt": salt,  # ids from the chart's inputs, not random
        "svg.id": None,
        "text.parse_math": False,  # a "$" in a name or a label is a dollar
        "font.family": "DejaVu Sans",  # shipped with matplotlib: the same measures on every machine
        "lines.linewidth": size.line,
        "lines.solid_capstyle": "round",
        "axes.linewidth": thin,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.spines.left": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "grid.color": "#d0d0d0",
        "grid.linewidth": thin,
        "text.color": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "xtick.major.width": thin,
        "xtick.major.size": size.text * 0.3,
        "xtick.major.pad": size.text * 0.4,
        "ytick.major.size": 0,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "legend.frameon": False,
    }


def draw(chart: ChartData, spec: Spec, size: Size, palette: list[str], salt: str) -> str:
    """The chart as SVG markup, tidied (see :func:`tidy`)."""
    # Imported here: a talk without charts never loads matplotlib.
    import matplotlib.dates as mdates
    import matplotlib.style
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    with matplotlib.style.context(["default", _style(size, salt)]):
        figure = Figure(figsize=(size.width / 72, size.height / 72), dpi=72)
        axes = figure.add_subplot()
        colours = palette[:len(chart.series)]
        dates = [d.day for d in chart.dates()]
        as_number = mdates.date2num
        names = [s.name for s in chart.series]
        if spec.kind == "stacked-area":
            handles = axes.stackplot([as_number(d) for d in dates], *stacked(chart),
                                     colors=colours, edgecolor="white", linewidth=size.line / 3)
        elif spec.kind == "bar":
            steps = [as_number(b) - as_number(a) for a, b in zip(dates, dates[1:])]
            width = 0.8 * (min(steps) if steps else 30) / len(chart.series)
            handles = []
            for index, (item, colour) in enumerate(zip(chart.series, colours)):
                offset = (index - (len(chart.series) - 1) / 2) * width
                handles.append(axes.bar([as_number(p.when.day) + offset for p in item.points],
                                        [p.value for p in item.points], width=width, color=colour))
        else:
            handles = []
            for item, colour in zip(chart.series, colours):
                xs, ys = [as_number(p.when.day) for p in item.points], [p.value for p in item.points]
                if spec.kind == "area":
                    axes.fill_between(xs, ys, color=colour, alpha=0.25 if len(chart.series) > 1 else 0.35,
                                      linewidth=0)
                # A dot where a series has one date only: a line needs two.
                handles += axes.plot(xs, ys, color=colour, marker="o" if len(xs) == 1 else "",
                                     markersize=size.line * 2.5)
        if spec.kind != "bar" and len(dates) > 1:
            axes.set_xlim(as_number(dates[0]), as_number(dates[-1]))
        locator = mdates.AutoDateLocator(minticks=2, maxticks=size.ticks)
        axes.xaxis.set_major_locator(locator)
        # Numbers only: month names would follow the machine's language.
        formats = ["%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d"]
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(
            locator, formats=formats, zero_formats=formats, show_offset=False))
        values = [p.value for s in chart.series for p in s.points]
        if min(values) >= 0:
            axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=chart.integers))
        axes.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _pos: f"{v:,.0f}" if v == int(v) else f"{v:,.3f}".rstrip("0")))
        axes.tick_params(axis="y", pad=size.text * 0.3)
        for when, label in spec.marks:
            position = as_number(when.day)
            axes.axvline(position, color=MARK_INK, linewidth=size.line / 2, linestyle=(0, (4, 3)))
            left, right = axes.get_xlim()
            on_the_left = position - left > (right - left) / 2
            axes.annotate(label, xy=(position, 1), xycoords=("data", "axes fraction"),
                          xytext=(-size.text * 0.3 if on_the_left else size.text * 0.3, -size.text * 0.2),
                          textcoords="offset points", ha="right" if on_the_left else "left", va="top",
                          color=MARK_INK, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        legend = None
        if len(chart.series) > 1:
            # Handles and names given: matplotlib would leave out a name that starts with "_".
            legend = figure.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, 1),
                                   ncols=min(len(chart.series), size.legend_columns), handlelength=1.2,
                                   columnspacing=1.2)
        lay_out(figure, axes, legend, size)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return tidy(out.getvalue())


def lay_out(figure, axes, legend, size: Size) -> None:
    """Room around the plot for what stands outside it (the tick labels, a legend above),
    measured once: matplotlib's constrained layout measures each part twice, and costs as
    much again as the drawing itself."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    width, height = figure.bbox.width, figure.bbox.height
    pad = size.text * 0.5
    box, outer = axes.get_window_extent(renderer), axes.get_tightbbox(renderer)
    above = legend.get_window_extent(renderer).height + pad if legend is not None else 0
    left, bottom = box.x0 - outer.x0 + pad, box.y0 - outer.y0 + pad
    right, top = max(outer.x1 - box.x1, 0) + pad, max(outer.y1 - box.y1, 0) + pad + above
    axes.set_position([left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height])


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


#: How matplotlib's SVG refers to an id: an href of "#id", or "url(#id)" in a style.
_REFERENCE = re.compile(r"(?:^#|url\(#)([A-Za-z_][\w.-]*)")


def tidy(svg: str) -> str:
    """matplotlib's SVG as markup for a page: no metadata, no <style> (which would
    style the whole page), only the ids that are referenced, no fixed size, and
    text that falls back to another sans-serif face where DejaVu Sans is missing."""
    root = ET.fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) in ("metadata", "style"):
                parent.remove(child)
        for child in list(parent):
            if _local(child.tag) == "defs" and not len(child):
                parent.remove(child)
    referenced = {name for element in root.iter() for value in element.attrib.values()
                  for name in _REFERENCE.findall(value)}
    for element in root.iter():
        if "id" in element.attrib and element.attrib["id"] not in referenced:
            del element.attrib["id"]
        if _local(element.tag) == "text" and "style" in element.attrib:
            element.set("style", element.get("style").replace("font-family: 'DejaVu Sans'",
                                                              f"font-family: {FONT_FAMILY}"))
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    return ET.tostring(root, encoding="unicode")


def place(svg: str, description: str, prefix: str, size: Size) -> str:
    """A drawing as it goes into a page: ids under *prefix* (unique in the page),
    its text alternative, and a size that follows its container."""
    root = ET.fromstring(svg)
    names = {}
    for element in root.iter():
        if "id" in element.attrib:
            names[element.attrib["id"]] = f"{prefix}-{len(names) + 1}"
            element.set("id", names[element.attrib["id"]])
    for element in root.iter():
        for attribute, value in element.attrib.items():
            if "#" in value:
                element.set(attribute, _REFERENCE.sub(lambda m: m[0].replace(m[1], names.get(m[1], m[1])), value))
    root.set("role", "img")
    root.set("aria-label", description)
    root.set("focusable", "false")
    root.set("class", "talkbook-chart-svg")
    # The drawing's px are CSS px at its own width; narrower where its container is.
    root.set("style", f"display: block; width: 100%; height: auto; max-width: {size.width}px; margin: 0 auto; "
                      "stroke-linejoin: round; stroke-linecap: butt")
    return ET.tostring(root, encoding="unicode")


@functools.cache
def _code_digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@functools.cache
def matplotlib_version() -> str:
    """The version of matplotlib that draws, or "" when it is not installed."""
    try:
        return metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        return ""


def chart_key(data: bytes, spec: Spec, palette: list[str], role: str) -> str:
    """What a drawing depends on, as one digest."""
    total = hashlib.sha256()
    for part in (hashlib.sha256(data).hexdigest(), repr(spec), repr(list(palette)), role, matplotlib_version(),
                 _code_digest()):
        total.update(part.encode("utf-8") + b"\0")
    return total.hexdigest()[:32]


def cached(folder: Path, key: str, make: Callable[[], str]) -> tuple[str, bool]:
    """The drawing kept under *key*, or *make()*'s, kept: (svg, whether it was drawn)."""
    path = folder / f"{key}.svg"
    try:
        return path.read_text(encoding="utf-8"), False
    except OSError:
        pass
    svg = make()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{key}.{os.getpid()}.part"  # parallel readers never see half a file
    partial.write_text(svg, encoding="utf-8")
    os.replace(partial, path)
    return svg, True


# -- The figures, in the handbook ------------------------------------------------------


class chart_figures(nodes.General, nodes.Element):
    """A chart's figures as a table, collapsed under a summary (``<details>`` in HTML)."""


def figures_table(chart: ChartData, alt: str) -> chart_figures:
    single = len(chart.series) == 1
    headings = [chart.x, *([chart.y or chart.series[0].name] if single else [s.name for s in chart.series])]
    values = [{p.when.day: p.text for p in s.points} for s in chart.series]
    lines = [[when.text, *(v.get(when.day, "") for v in values)] for when in chart.dates()]
    table = nodes.table(classes=["talkbook-chart-table"])
    group = nodes.tgroup(cols=len(headings))
    table += group
    for column, heading in enumerate(headings):  # as wide as its widest cell, in text output
        group += nodes.colspec(colwidth=max(len(heading), *(len(cells[column]) for cells in lines)))
    head, body = nodes.thead(), nodes.tbody()
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=h)) for h in headings))
    for cells in lines:
        body += nodes.row("", *(nodes.entry("", *([nodes.paragraph(text=c)] if c else [])) for c in cells))
    group += head
    group += body
    return chart_figures("", table, summary=f"The figures: {alt}")


def _visit_figures_html(translator, node: chart_figures) -> None:
    translator.body.append(f'<details class="talkbook-chart-figures"><summary>{html.escape(node["summary"])}'
                           "</summary>\n")


def _depart_figures_html(translator, node: chart_figures) -> None:
    translator.body.append("</details>\n")


def _just_the_table(translator, node: chart_figures) -> None:
    """Other formats (text, LaTeX...): the table as it is."""


# -- The directive ------------------------------------------------------------------------


class Chart(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True  # a file name with a space
    has_content = False
    option_spec = {
        **{name: directives.unchanged for name in
           ("alt", "kind", "x", "y", "series", "only", "exclude", "from", "until", "marks")},
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        where = self.get_location()
        try:
            return self._chart(where)
        except DataError as err:
            logger.warning("%s (read by the {chart} at %s). %s", err.what, where, err.fix, location=err.where,
                           type="talkbook", subtype="chart")
        except ChartError as err:
            logger.warning("%s.", err, location=where, type="talkbook", subtype="chart")
        return []

    def _chart(self, where: str) -> list[nodes.Node]:
        source, _line = self.get_source_info()
        name = self.arguments[0]
        problem = outside_talk(Path(source).parent / name, self.config)
        if problem:
            raise ChartError(f"{name}: {problem.rstrip('.')}")
        path = (Path(source).parent / name).resolve()
        shown = Path(os.path.relpath(path, talk_root(self.config))).as_posix()
        # Recorded as {include} records its file, before it is read: Sphinx and
        # talkbook.incremental (which compares contents) see it, even once it is created.
        self.state.document.settings.record_dependencies.add(str(path))
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ChartError(f"there is no file {shown}: the path is relative to the file that holds the "
                             "directive; fix it, or create the file") from None
        except OSError as err:
            raise ChartError(f"{shown} cannot be read ({err.strerror}): give the path of a CSV file") from None
        spec = parse_spec(self.options)
        chart = read_chart(path, data, spec, shown)
        palette = list(self.config.talkbook_palette)
        if len(chart.series) > len(palette):
            raise ChartError(f"the chart has {len(chart.series)} series ({', '.join(s.name for s in chart.series)}) "
                             f"and talkbook_palette {len(palette)} colours: keep fewer with :only: or :exclude:, "
                             "or add colours to talkbook_palette in conf.py")
        if not matplotlib_version():
            raise ChartError("{chart} draws with matplotlib, which is not installed: a talk's `make` installs it "
                             "(requirements/charts.txt) when a page or a slide has a {chart}; elsewhere, "
                             "pip install 'talkbook[charts]'")
        role = "deck" if is_deck(self.config) else "handbook"
        size = SIZES[role]
        key = chart_key(data, spec, palette, role)
        svg, drawn = cached(Path(self.env.doctreedir) / CACHE_FOLDER, key,
                            lambda: draw(chart, spec, size, palette, salt=key))
        if drawn:
            logger.debug("[talkbook] chart drawn: %s for the %s (%s)", shown, role, where)
        _state(self.env)
        self.env.talkbook_charts.setdefault(self.env.docname, set()).add(key)
        page = re.sub(r"[^\w-]", "-", self.env.docname)  # ids unique even where pages are joined (singlehtml)
        prefix = f"talkbook-chart-{page}-{self.env.new_serialno('talkbook-chart')}"
        raw = nodes.raw("", place(svg, describe(spec.alt, chart), prefix, size), format="html",
                        **{"talkbook-generated": True})
        container = nodes.container("", raw, classes=["talkbook-chart", *self.options.get("class", [])])
        if role == "handbook":
            container += figures_table(chart, spec.alt)
        self.set_source_info(container)
        return [container]


# -- What the environment keeps: the drawings each page uses ----------------------------


def _state(env: BuildEnvironment) -> None:
    if not hasattr(env, "talkbook_charts"):
        env.talkbook_charts = {}  # type: ignore[attr-defined]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _state(env)
    env.talkbook_charts.pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _state(env)
    _state(other)
    for docname in docnames:
        if docname in other.talkbook_charts:
            env.talkbook_charts[docname] = other.talkbook_charts[docname]


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
              removed: set[str]) -> list[str]:
    """Pages with charts, when matplotlib is not the one that drew them."""
    _state(env)
    before = getattr(env, "talkbook_charts_matplotlib", None)
    env.talkbook_charts_matplotlib = matplotlib_version()  # type: ignore[attr-defined]
    if before is None or before == env.talkbook_charts_matplotlib:
        return []
    return sorted(d for d, keys in env.talkbook_charts.items() if keys and d in env.found_docs)


def _prune(app: Sphinx, exception: BaseException | None) -> None:
    """Delete the drawings that no page uses any more."""
    if exception is not None or not hasattr(app.env, "talkbook_charts"):
        return
    folder = Path(app.doctreedir) / CACHE_FOLDER
    used = {key for keys in app.env.talkbook_charts.values() for key in keys}
    for path in folder.glob("*.svg"):
        if path.stem not in used:
            path.unlink(missing_ok=True)


# -- The palette ------------------------------------------------------------------------

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _check_palette(app: Sphinx, config: Config) -> None:
    palette = config.talkbook_palette
    bad = [c for c in palette if not isinstance(c, str) or not _HEX.match(c.strip())]
    if bad and all(isinstance(c, str) for c in bad):
        from matplotlib.colors import CSS4_COLORS  # only for a palette with colour names

        bad = [c for c in bad if c.strip().lower() not in CSS4_COLORS]
    if not palette or bad:
        raise ConfigError(
            f"conf.py: talkbook_palette = {palette!r}: "
            + (f"{', '.join(map(repr, bad))} is not a CSS colour" if bad else "the list is empty")
            + ". Give the charts' colours as a list of CSS colours, one per series: '#0072b2', '#d55e00' "
            "(#rrggbb or #rgb) or names such as 'teal'."
        )
    config.talkbook_palette = [c.strip().lower() for c in palette]


def setup_charts(app: Sphinx) -> None:
    app.add_directive("chart", Chart)
    passthrough = (_just_the_table, _just_the_table)
    app.add_node(chart_figures, html=(_visit_figures_html, _depart_figures_html), text=passthrough,
                 latex=passthrough, man=passthrough, texinfo=passthrough)
    app.connect("config-inited", _check_palette, priority=110)  # after talkbook.config's type checks
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _prune)
