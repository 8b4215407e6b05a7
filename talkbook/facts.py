"""Facts that change with time, written once, each with its date and source.

The facts file (``talkbook_facts_file``, relative to conf.py) holds::

    review_months: 12            # optional: how long a check stays good (default 12)
    facts:
      current_series:            # the name pages use: {{ current_series }}
        value: 2026.2 Hibiscus   # what the pages show
        url: https://...         # optional: the value is a link to this address
        checked: 2026-11-30      # when the value was last checked...
        source: https://...      # ...against this primary source
        review_months: 6         # optional: this fact goes out of date sooner
        note: ...                # optional: how to check it again

Every fact becomes a MyST substitution (the ``substitution`` syntax is turned
on), so a page writes ``{{ current_series }}`` and the value appears, escaped
as text, or as a link when the fact has a ``url``. The file is read and
checked before any page: a mistake stops the build with the file, the line
and what to do. Whether a fact is due for a new check depends on the
calendar, so the build never asks: ``make linkcheck`` does
(:func:`stale_facts`, through ``talkbook.tools.linkreport``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import ConfigError

from talkbook.data import KEY_LINES, LINE, DataError, load_once, load_yaml, mapping, md_link, md_text, text, unknown_keys, url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

DEFAULT_REVIEW_MONTHS = 12
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Fact:
    name: str
    value: str
    url: str
    checked: dt.date
    source: str
    review_months: int
    note: str
    line: int

    def due(self) -> dt.date:
        """The day this fact should be checked again."""
        months = self.checked.month - 1 + self.review_months
        year, month = self.checked.year + months // 12, months % 12 + 1
        return dt.date(year, month, min(self.checked.day, calendar.monthrange(year, month)[1]))

    def markdown(self) -> str:
        """The value as MyST: escaped text, or a link."""
        return md_link(self.value, self.url) if self.url else md_text(self.value)


@dataclass(frozen=True)
class Facts:
    path: Path
    facts: dict[str, Fact]

    def __getitem__(self, name: str) -> Fact:
        return self.facts[name]

    def __iter__(self):
        return iter(self.facts.values())


def _months(path: Path, line: int, where: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DataError(path, line, f"{where}: review_months must be a whole number of months, not {value!r}",
                        "Write it as a number such as 12.")
    return value


def load_facts(path: Path) -> Facts:
    path = Path(path)
    data = load_yaml(path, "facts", "talkbook_facts_file")
    unknown_keys(path, data[LINE], "the file", data, ("review_months", "facts"))
    default = _months(path, data[LINE], "the file", data.get("review_months", DEFAULT_REVIEW_MONTHS))
    entries = mapping(path, data[LINE], "'facts'", data.get("facts"))
    facts: dict[str, Fact] = {}
    for name, entry in entries.items():
        if name in (LINE, KEY_LINES):
            continue
        where = f"fact {name!r}"
        line = entries[KEY_LINES][name]  # the line of the fact's name
        entry = mapping(path, line, where, entry)
        if not isinstance(name, str) or not _NAME.match(name):
            raise DataError(path, line, f"{where}: a fact's name is lowercase letters, digits and '_'",
                            "Rename it, as in 'current_series'; pages use it as {{ current_series }}.")
        unknown_keys(path, line, where, entry, ("value", "url", "checked", "source", "review_months", "note"))
        at = {key: entry[KEY_LINES].get(key, line) for key in ("value", "url", "checked", "source", "review_months")}
        value = entry.get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        checked = entry.get("checked")
        if "checked" not in entry:
            raise DataError(path, line, f"{where}: its 'checked' date is missing",
                            "Add 'checked: YYYY-MM-DD', the day you checked the value against its source.")
        if not isinstance(checked, dt.date) or isinstance(checked, dt.datetime):
            raise DataError(path, at["checked"], f"{where}: 'checked' must be the date of the last check, "
                            f"not {checked!r}", "Write it as YYYY-MM-DD, the day you checked the value against its source.")
        if "source" not in entry:
            raise DataError(path, line, f"{where}: it has no 'source'",
                            "Add 'source: https://...', the primary source that confirms the value.")
        facts[name] = Fact(
            name=name,
            value=text(path, at["value"], where, "value", value),
            url=url(path, at["url"], where, "url", entry["url"]) if "url" in entry else "",
            checked=checked,
            source=url(path, at["source"], where, "source", entry["source"]),
            review_months=_months(path, at["review_months"], where, entry.get("review_months", default)),
            note=text(path, line, where, "note", entry.get("note"), required=False),
            line=line,
        )
    return Facts(path, facts)


def stale_facts(facts: Facts, today: dt.date) -> list[Fact]:
    """The facts whose check is older than their review period, on *today*."""
    return [fact for fact in facts if fact.due() <= today]


def _use_facts(app: Sphinx, config: Config) -> None:
    if not config.talkbook_facts_file:
        return
    path = Path(app.confdir, config.talkbook_facts_file)
    try:
        facts = load_once(load_facts, path)
    except DataError as err:
        raise ConfigError(f"{err.where}: {err.what}. {err.fix}") from None
    own = dict(config.myst_substitutions)
    clash = sorted(set(own) & set(facts.facts))
    if clash:
        raise ConfigError(f"conf.py: myst_substitutions and {path} both define {', '.join(clash)}: "
                          "keep each name in one place (facts in the facts file).")
    config.myst_substitutions = {**{fact.name: fact.markdown() for fact in facts}, **own}
    if "substitution" not in config.myst_enable_extensions:
        config.myst_enable_extensions = [*config.myst_enable_extensions, "substitution"]


def setup_facts(app: Sphinx) -> None:
    app.setup_extension("myst_parser")
    app.connect("config-inited", _use_facts)
