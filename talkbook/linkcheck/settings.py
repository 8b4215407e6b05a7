"""The link checker's settings, read from the project's ``conf.py``.

Sphinx's own ``linkcheck_*`` names keep the meaning they have for
``sphinx-build -b linkcheck``; ``talkbook_linkcheck_*`` are ours. The same
``conf.py`` serves the Sphinx builds, where :func:`setup_linkcheck` declares
our names so that Sphinx knows them.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

NUMBER = (int, float)
SEQUENCE = (list, tuple)

#: Our names: name -> (default, types, meaning shown when the value is wrong).
TALKBOOK_VALUES: dict[str, tuple[object, tuple[type, ...], str]] = {
    "talkbook_linkcheck_per_host": (
        4,
        (int,),
        "how many requests may be under way at once to one host (1 or more)",
    ),
    "talkbook_linkcheck_cache_max_age": (
        86400,
        NUMBER,
        "for how many seconds a URL found working is not asked again (0: no cache)",
    ),
    "talkbook_linkcheck_workers": (
        0,
        (int,),
        "how many URLs are checked at once; 0 picks per_host x hosts, at most 128",
    ),
    "talkbook_linkcheck_backoff": (
        1.0,
        NUMBER,
        "seconds before the first retry of a transient failure; doubles each time",
    ),
}

#: Sphinx's names that we honour, with Sphinx's defaults (Sphinx 9).
SPHINX_VALUES: dict[str, tuple[object, tuple[type, ...], str]] = {
    "linkcheck_ignore": ([], SEQUENCE, "a list of regular expressions"),
    "linkcheck_allowed_redirects": ({}, (dict,), "a dict of regex -> regex"),
    "linkcheck_timeout": (30, NUMBER, "seconds"),
    "linkcheck_retries": (1, (int,), "attempts at a URL (1 or more)"),
    "linkcheck_anchors": (True, (bool,), "True or False"),
    "linkcheck_anchors_ignore": (["^!"], SEQUENCE, "a list of regular expressions"),
    "linkcheck_anchors_ignore_for_url": ([], SEQUENCE, "a list of regular expressions"),
    "linkcheck_rate_limit_timeout": (300.0, NUMBER, "seconds"),
    "user_agent": (None, (str, type(None)), "a string"),
}

#: Other names of the project that the checker needs.
PROJECT_VALUES: dict[str, tuple[object, tuple[type, ...], str]] = {
    "talkbook_deck_path": ("slides", (str,), "the deck's folder inside the site"),
}

#: Settings whose every entry must say, in a comment, why it is there.
REASONED = (
    "linkcheck_ignore",
    "linkcheck_allowed_redirects",
    "linkcheck_anchors_ignore",
    "linkcheck_anchors_ignore_for_url",
)

#: Largest automatic number of workers (``talkbook_linkcheck_workers = 0``).
MAX_AUTO_WORKERS = 128


class SettingsError(Exception):
    """conf.py cannot be read or holds a value we cannot use; one line."""


@dataclass
class Settings:
    ignore: list[re.Pattern[str]] = field(default_factory=list)
    allowed_redirects: list[tuple[re.Pattern[str], re.Pattern[str]]] = field(
        default_factory=list
    )
    timeout: float = 30.0
    retries: int = 1
    anchors: bool = True
    anchors_ignore: list[re.Pattern[str]] = field(
        default_factory=lambda: [re.compile("^!")]
    )
    anchors_ignore_for_url: list[re.Pattern[str]] = field(default_factory=list)
    rate_limit_timeout: float = 300.0
    per_host: int = 4
    cache_max_age: float = 86400.0
    workers: int = 0
    backoff: float = 1.0
    user_agent: str = ""
    deck_path: str = "slides"
    #: linkcheck_ignore pattern -> the reason its comment in conf.py gives.
    reasons: dict[str, str] = field(default_factory=dict)

    def ignored_by(self, uri: str) -> re.Pattern[str] | None:
        """The ``linkcheck_ignore`` pattern that matches ``uri``, if any."""
        return next((rx for rx in self.ignore if rx.match(uri)), None)

    def redirect_allowed(self, source: str, target: str) -> bool:
        """Whether ``linkcheck_allowed_redirects`` lets ``source`` go to ``target``."""
        return any(
            src.match(source) and dst.match(target)
            for src, dst in self.allowed_redirects
        )

    def skips_anchor(self, page: str, anchor: str) -> bool:
        """Whether the anchor of ``page#anchor`` is left unchecked."""
        return (
            not self.anchors
            or any(rx.match(anchor) for rx in self.anchors_ignore)
            or any(rx.match(page) for rx in self.anchors_ignore_for_url)
        )


@dataclass(frozen=True)
class ConfEntry:
    """One entry of a list or dict setting in conf.py, and the comment on it."""

    setting: str
    text: str  # the string as Python reads it, or the source of the expression
    line: int
    reason: str  # "" when no comment goes with it


def conf_entries(conf: str | Path, names: tuple[str, ...] = REASONED) -> list[ConfEntry]:
    """The entries of the settings ``names`` in conf.py, each with its comment.

    An entry's reason is the comment on its own line(s) or, failing that, the
    comment lines right above it. A setting given by an expression other than
    a literal list, tuple or dict comes back as one entry without a reason.
    """
    source = Path(conf).read_text(encoding="utf-8")
    lines = source.splitlines()
    comments = {
        token.start[0]: token.string.lstrip("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }
    entries = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        else:
            continue
        for target in targets:
            if not (isinstance(target, ast.Name) and target.id in names) or node.value is None:
                continue
            value = node.value
            if isinstance(value, (ast.List, ast.Tuple)):
                items = [(item, item) for item in value.elts]
            elif isinstance(value, ast.Dict):
                items = [(key or val, val) for key, val in zip(value.keys, value.values)]
            else:
                text = ast.get_source_segment(source, value) or ""
                entries.append(ConfEntry(target.id, text, node.lineno, ""))
                continue
            for first, last in items:
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    text = first.value
                else:
                    text = ast.get_source_segment(source, first) or ""
                own = range(first.lineno, last.end_lineno + 1)
                reason = " ".join(comments[n] for n in own if n in comments)
                n = first.lineno - 1
                above: list[str] = []
                while not reason and n > node.lineno and lines[n - 1].lstrip().startswith("#"):
                    above.insert(0, comments.get(n, ""))
                    n -= 1
                entries.append(ConfEntry(target.id, text, first.lineno, reason or " ".join(above)))
    return entries


def setup_linkcheck(app: Sphinx) -> None:
    """Declare ``talkbook_linkcheck_*`` so that Sphinx knows them (no rebuild)."""
    for name, (default, types, _meaning) in TALKBOOK_VALUES.items():
        app.add_config_value(name, default, "", types=types)


def _regexes(name: str, patterns: Any) -> list[re.Pattern[str]]:
    compiled = []
    for index, pattern in enumerate(patterns):
        try:
            compiled.append(re.compile(pattern))
        except (re.error, TypeError) as exc:
            raise SettingsError(
                f"conf.py: {name}[{index}] = {pattern!r} is not a regular "
                f"expression: {exc}"
            ) from None
    return compiled


def _read_values(config: Config, table: dict) -> dict[str, Any]:
    values = {}
    for name, (default, types, meaning) in table.items():
        if name not in config.values:
            config.add(name, default, "", types)
        value = config[name]
        if (isinstance(value, bool) and bool not in types) or not isinstance(
            value, types
        ):
            raise SettingsError(
                f"conf.py: {name} must be {meaning}, not {type(value).__name__} "
                f"{value!r}."
            )
        values[name] = value
    return values


def settings_from_config(config: Config) -> Settings:
    """Our settings from a Sphinx ``Config`` read from conf.py."""
    v = {}
    for table in (SPHINX_VALUES, TALKBOOK_VALUES, PROJECT_VALUES):
        v |= _read_values(config, table)
    redirects = []
    for source, target in v["linkcheck_allowed_redirects"].items():
        name = f"linkcheck_allowed_redirects[{source!r}]"
        redirects.append((_regexes(name, [source])[0], _regexes(name, [target])[0]))
    for name, low in (
        ("linkcheck_retries", 1),
        ("talkbook_linkcheck_per_host", 1),
        ("talkbook_linkcheck_workers", 0),
    ):
        if v[name] < low:
            raise SettingsError(f"conf.py: {name} must be {low} or more, not {v[name]}.")
    for name in (
        "linkcheck_timeout",
        "linkcheck_rate_limit_timeout",
        "talkbook_linkcheck_cache_max_age",
        "talkbook_linkcheck_backoff",
    ):
        if v[name] < 0:
            raise SettingsError(f"conf.py: {name} must not be negative, not {v[name]}.")
    return Settings(
        ignore=_regexes("linkcheck_ignore", v["linkcheck_ignore"]),
        allowed_redirects=redirects,
        timeout=float(v["linkcheck_timeout"]),
        retries=v["linkcheck_retries"],
        anchors=v["linkcheck_anchors"],
        anchors_ignore=_regexes("linkcheck_anchors_ignore", v["linkcheck_anchors_ignore"]),
        anchors_ignore_for_url=_regexes(
            "linkcheck_anchors_ignore_for_url", v["linkcheck_anchors_ignore_for_url"]
        ),
        rate_limit_timeout=float(v["linkcheck_rate_limit_timeout"]),
        per_host=v["talkbook_linkcheck_per_host"],
        cache_max_age=float(v["talkbook_linkcheck_cache_max_age"]),
        workers=v["talkbook_linkcheck_workers"],
        backoff=float(v["talkbook_linkcheck_backoff"]),
        user_agent=v["user_agent"] or "",
        deck_path=v["talkbook_deck_path"].strip("/") or "slides",
    )


def load_settings(confdir: str | Path) -> Settings:
    """Execute ``confdir/conf.py`` the way Sphinx does and read our settings.

    Raises :class:`SettingsError` with a one-line message when conf.py is
    missing, fails to run or holds a value of the wrong kind.
    """
    from sphinx.config import Config
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    conf = Path(confdir, "conf.py")
    if not conf.is_file():
        raise SettingsError(f"{conf}: no such file (give the folder of conf.py with --conf)")
    try:
        config = Config.read(conf.parent, overrides={}, tags=Tags())
    except ConfigError as exc:
        cause = exc.__cause__
        if cause is not None and not isinstance(cause, SystemExit):
            detail = f"{type(cause).__name__}: {cause}"
        else:
            detail = " ".join(str(exc).split())
        raise SettingsError(f"{conf}: cannot be read: {detail}") from None
    except OSError as exc:
        raise SettingsError(f"{conf}: cannot be read: {exc.strerror or exc}") from None
    settings = settings_from_config(config)
    settings.reasons = {
        entry.text: entry.reason
        for entry in conf_entries(conf, ("linkcheck_ignore",))
        if entry.reason
    }
    return settings
