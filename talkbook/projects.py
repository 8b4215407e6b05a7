"""The project data: one YAML file, checked when it is loaded.

The file (``talkbook_projects_file``, by default ``source/_data/projects.yaml``)
holds URL ``patterns`` (with ``{slug}``), the ``today`` equivalents, and the
``projects`` list. A mistake stops the build with the file, the line, the entry
and what to do; nothing of the file is used until all of it is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

PATTERN_KEYS = ("code", "bugs", "blueprints", "review")
PER_PROJECT_KEYS = ("code", "bugs", "blueprints")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_BAD_URL_CHARS = re.compile(r"""[\s<>"'`\\]""")


class ProjectDataError(Exception):
    """A mistake in the data file, with where it is and how to fix it."""

    def __init__(self, path: Path, line: int | None, what: str, fix: str) -> None:
        self.path, self.line, self.what, self.fix = path, line, what, fix
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {what}. {fix}")


@dataclass(frozen=True)
class Project:
    name: str
    slug: str
    summary: str
    urls: dict[str, str]  # as in the talk (2013)
    today: dict[str, str]  # as of ``ProjectData.as_of``
    note: str = ""
    renamed: dict[str, object] = field(default_factory=dict)

    @property
    def current_name(self) -> str:
        return str(self.renamed.get("name", self.name))


@dataclass(frozen=True)
class ProjectData:
    path: Path
    patterns: dict[str, str]
    today_patterns: dict[str, str]
    as_of: str
    projects: tuple[Project, ...]

    def all_urls(self) -> list[str]:
        urls: list[str] = []
        for project in self.projects:
            urls += project.today.values()
        urls.append(self.today_patterns["review"])
        return list(dict.fromkeys(urls))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_url(path: Path, line: int | None, entry: str, key: str, url: object) -> str:
    if not isinstance(url, str) or not url.strip():
        raise ProjectDataError(path, line, f"{entry}: '{key}' must be a URL as text, not {type(url).__name__}",
                               "Write it as https://host/path.")
    parts = urlsplit(url.replace("{slug}", "x"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProjectDataError(
            path, line, f"{entry}: '{key}' is {url!r}, which is not an http(s) URL",
            "Only http:// and https:// links are allowed: write the full https:// address.",
        )
    if _BAD_URL_CHARS.search(url):
        raise ProjectDataError(path, line, f"{entry}: '{key}' has a space, quote or angle bracket: {url!r}",
                               "Percent-encode those characters or remove them.")
    return url


def _text(path: Path, line: int | None, entry: str, key: str, value: object, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        kind = "missing" if value is None else f"a {type(value).__name__}"
        raise ProjectDataError(path, line, f"{entry}: '{key}' must be text, but it is {kind}",
                               f"Give '{key}' a short text value.")
    return " ".join(value.split())


def _mapping(path: Path, line: int | None, where: str, value: object) -> dict:
    if not isinstance(value, dict):
        raise ProjectDataError(path, line, f"{where} must be a mapping of keys to values, not {type(value).__name__}",
                               "Indent its keys under it, one 'key: value' per line.")
    return value


def load_projects(path: Path) -> ProjectData:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectDataError(path, None, "the project data file does not exist",
                               "Create it, or set talkbook_projects_file in conf.py.") from None
    except UnicodeDecodeError as err:
        raise ProjectDataError(path, None, f"the file is not UTF-8 ({err.reason} at byte {err.start})",
                               "Save it as UTF-8.") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        what = f"YAML syntax error: {err.problem or err.context}"
        if err.context and err.context_mark and err.problem_mark and err.context_mark.line != err.problem_mark.line:
            what += f" ({err.context} that starts on line {err.context_mark.line + 1})"
        raise ProjectDataError(path, line, what,
                               "Check the indentation, brackets and quotes on that line and the one it names.") from None
    except yaml.YAMLError as err:
        raise ProjectDataError(path, None, f"YAML error: {err}", "Check the file's syntax.") from None
    data = _mapping(path, 1, "the file", data)
    top_line = data.get("__line__")

    patterns = _mapping(path, top_line, "'patterns'", data.get("patterns"))
    for key in PATTERN_KEYS:
        if key not in patterns:
            raise ProjectDataError(path, patterns.get("__line__"), f"'patterns' has no '{key}' URL",
                                   f"Add '{key}: https://...' under 'patterns'.")
        _check_url(path, patterns["__line__"], "'patterns'", key, patterns[key])
    today = _mapping(path, top_line, "'today'", data.get("today"))
    as_of = today.get("as_of")
    if not isinstance(as_of, (str, int)) or not str(as_of).strip():
        raise ProjectDataError(path, today.get("__line__"), "'today' has no 'as_of' date",
                               "Add as_of: \"YYYY\" saying when the 'today' URLs were true.")
    today_patterns = {k: patterns[k] for k in PATTERN_KEYS}
    for key in PATTERN_KEYS:
        if key in today:
            today_patterns[key] = _check_url(path, today["__line__"], "'today'", key, today[key])

    entries = data.get("projects")
    if not isinstance(entries, list) or not entries:
        raise ProjectDataError(path, top_line, "'projects' must be a non-empty list",
                               "List the projects under 'projects:', each starting with '- name:'.")
    projects: list[Project] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        where = f"project #{index}"
        entry = _mapping(path, top_line, where, entry)
        line = entry["__line__"]
        name = _text(path, line, where, "name", entry.get("name"))
        where = f"project {name!r}"
        unknown = set(entry) - {"__line__", "name", "slug", "summary", "note", "renamed", "today", *PER_PROJECT_KEYS}
        if unknown:
            raise ProjectDataError(path, line, f"{where}: unknown field(s) {', '.join(sorted(unknown))}",
                                   "Remove them, or fix their spelling (name, slug, summary, note, renamed, "
                                   "today, code, bugs, blueprints).")
        slug = _text(path, line, where, "slug", entry.get("slug"))
        if not _SLUG.match(slug):
            raise ProjectDataError(path, line, f"{where}: slug {slug!r} is not a short lowercase name",
                                   "Use lowercase letters, digits, '.', '-' or '_', as in 'nova'.")
        for key, value in (("name", name.lower()), ("slug", slug)):
            if f"{key}:{value}" in seen:
                raise ProjectDataError(
                    path, line, f"{where}: the {key} {value!r} is already used by the entry on line "
                    f"{seen[f'{key}:{value}']}", "Remove one of the two entries, or give each its own name and slug.")
            seen[f"{key}:{value}"] = line
        summary = _text(path, line, where, "summary", entry.get("summary"))
        note = _text(path, line, where, "note", entry.get("note"), required=False)
        renamed = entry.get("renamed") or {}
        current_slug = slug
        if renamed:
            renamed = _mapping(path, line, f"{where}: 'renamed'", renamed)
            _text(path, renamed["__line__"], where, "renamed.name", renamed.get("name"))
            current_slug = _text(path, renamed["__line__"], where, "renamed.slug", renamed.get("slug"))
            if not _SLUG.match(current_slug):
                raise ProjectDataError(path, renamed["__line__"], f"{where}: renamed.slug {current_slug!r} is not a short lowercase name",
                                       "Use lowercase letters, digits, '.', '-' or '_'.")
            renamed = {k: v for k, v in renamed.items() if k != "__line__"}
        urls = {k: patterns[k].replace("{slug}", slug) for k in PER_PROJECT_KEYS}
        for key in PER_PROJECT_KEYS:
            if key in entry:
                urls[key] = _check_url(path, line, where, key, entry[key])
        now = {k: today_patterns[k].replace("{slug}", current_slug) for k in PER_PROJECT_KEYS}
        own_today = entry.get("today") or {}
        if own_today:
            own_today = _mapping(path, line, f"{where}: 'today'", own_today)
            for key in PER_PROJECT_KEYS:
                if key in own_today:
                    now[key] = _check_url(path, own_today["__line__"], where, f"today.{key}", own_today[key])
        for key in PER_PROJECT_KEYS:
            if key not in entry and key in urls:
                urls[key] = _check_url(path, line, where, key, urls[key])
        # GitHub keeps a read-only mirror of each repository, under the current name.
        now["mirror"] = entry.get("code") or patterns["code"].replace("{slug}", current_slug)
        projects.append(Project(name, slug, summary, urls, now, note, renamed))
    return ProjectData(path, {k: patterns[k] for k in PATTERN_KEYS}, today_patterns, str(as_of), tuple(projects))
