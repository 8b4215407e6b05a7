"""The project data: one YAML file, checked when it is loaded.

The file (``talkbook_projects_file``, relative to conf.py) holds:

- ``patterns``: one URL per kind of link, as the talk gave them. A pattern
  with ``{slug}`` is a link of each project (its code, its bugs...); one
  without is a link of the whole collection (its code review, say);
- ``today``: ``as_of``, the date the links were last checked, and the
  patterns that changed since the talk, or that it did not have;
- ``projects``: each with a ``name``, a ``slug`` (its short name), a
  ``summary``, and optionally a ``note``, a ``renamed`` mapping (``name``,
  ``slug``, ``year``) and its own URL for any kind, then (``code: ...``) or
  today (``today: {code: ...}``).

Which kinds a page shows is its template's business. A mistake stops the
build with the file, the line, the entry and what to do; nothing of the file
is used until all of it is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from talkbook.data import KEY_LINES, LINE, DataError, load_yaml, mapping, text, unknown_keys, url

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class Project:
    name: str
    slug: str
    summary: str
    urls: dict[str, str]  # kind -> URL, as in the talk
    today: dict[str, str]  # kind -> URL, as of ``ProjectData.as_of``
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
        """Every URL of today, each once."""
        urls: list[str] = []
        for project in self.projects:
            urls += project.today.values()
        urls += [u for u in self.today_patterns.values() if "{slug}" not in u]
        return list(dict.fromkeys(urls))


def load_projects(path: Path) -> ProjectData:
    path = Path(path)
    data = load_yaml(path, "project data", "talkbook_projects_file")
    top_line = data.get(LINE)

    patterns = mapping(path, top_line, "'patterns'", data.get("patterns"))
    kinds = [k for k in patterns if k not in (LINE, KEY_LINES)]
    if not kinds:
        raise DataError(path, patterns[LINE], "'patterns' is empty",
                        "Add one 'kind: https://...' line per kind of link, with {slug} for a project's own.")
    for key in kinds:
        url(path, patterns[KEY_LINES][key], "'patterns'", key, patterns[key])
    today = mapping(path, top_line, "'today'", data.get("today"))
    as_of = today.get("as_of")
    if not isinstance(as_of, (str, int)) or not str(as_of).strip():
        raise DataError(path, today.get(LINE), "'today' has no 'as_of' date",
                        "Add as_of: \"YYYY-MM\" saying when the 'today' URLs were checked.")
    today_patterns = {k: patterns[k] for k in kinds}
    for key in today:
        if key not in (LINE, KEY_LINES, "as_of"):
            today_patterns[key] = url(path, today[KEY_LINES][key], "'today'", key, today[key])
    per_project = [k for k in kinds if "{slug}" in patterns[k]]
    per_project_today = [k for k, v in today_patterns.items() if "{slug}" in v]

    entries = data.get("projects")
    if not isinstance(entries, list) or not entries:
        raise DataError(path, top_line, "'projects' must be a non-empty list",
                        "List the projects under 'projects:', each starting with '- name:'.")
    projects: list[Project] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        where = f"project #{index}"
        entry = mapping(path, top_line, where, entry)
        line = entry[LINE]
        name = text(path, line, where, "name", entry.get("name"))
        where = f"project {name!r}"
        unknown_keys(path, line, where, entry, ("name", "slug", "summary", "note", "renamed", "today", *per_project))
        slug = text(path, line, where, "slug", entry.get("slug"))
        if not _SLUG.match(slug):
            raise DataError(path, line, f"{where}: slug {slug!r} is not a short lowercase name",
                            "Use lowercase letters, digits, '.', '-' or '_', as in 'nova'.")
        for key, value in (("name", name.lower()), ("slug", slug)):
            if f"{key}:{value}" in seen:
                raise DataError(
                    path, line, f"{where}: the {key} {value!r} is already used by the entry on line "
                    f"{seen[f'{key}:{value}']}", "Remove one of the two entries, or give each its own name and slug.")
            seen[f"{key}:{value}"] = line
        summary = text(path, line, where, "summary", entry.get("summary"))
        note = text(path, line, where, "note", entry.get("note"), required=False)
        renamed = entry.get("renamed") or {}
        current_slug = slug
        if renamed:
            renamed = mapping(path, line, f"{where}: 'renamed'", renamed)
            text(path, renamed[LINE], where, "renamed.name", renamed.get("name"))
            current_slug = text(path, renamed[LINE], where, "renamed.slug", renamed.get("slug"))
            if not _SLUG.match(current_slug):
                raise DataError(path, renamed[LINE], f"{where}: renamed.slug {current_slug!r} is not a short "
                                "lowercase name", "Use lowercase letters, digits, '.', '-' or '_'.")
            renamed = {k: v for k, v in renamed.items() if k not in (LINE, KEY_LINES)}
        urls = {k: url(path, entry[KEY_LINES].get(k, line), where, k, entry.get(k, patterns[k].replace("{slug}", slug)))
                for k in per_project}
        now = {k: today_patterns[k].replace("{slug}", current_slug) for k in per_project_today}
        own_today = entry.get("today") or {}
        if own_today:
            own_today = mapping(path, line, f"{where}: 'today'", own_today)
            unknown_keys(path, own_today[LINE], f"{where}: 'today'", own_today, tuple(per_project_today))
            for key in per_project_today:
                if key in own_today:
                    now[key] = url(path, own_today[KEY_LINES][key], where, f"today.{key}", own_today[key])
        projects.append(Project(name, slug, summary, urls, now, note, renamed))
    return ProjectData(path, {k: patterns[k] for k in kinds}, today_patterns, str(as_of), tuple(projects))
