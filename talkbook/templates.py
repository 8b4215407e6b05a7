"""Render data into pages: a Jinja2 template writes MyST, parsed in place.

```{render} projects/directory.md
```

renders ``projects/directory.md`` from ``templates_path`` with the project data
(:mod:`talkbook.projects`: ``projects``, ``patterns``, ``today``, ``as_of``)
and the facts (:mod:`talkbook.facts`: ``facts``), then parses the result as
Markdown where the directive stands, in the deck and in the handbook alike.
What it writes is ordinary content: links are reference nodes that Sphinx's
link check, search and cross-references see; headings and ``(label)=``
targets work as in any page.

Data stays data. Every ``{{ value }}`` is escaped as MyST text, so
``**stars**``, ``<script>`` or a role show as those characters. Two filters
write markup on purpose, from checked values only:

- ``url`` writes an http(s) address as a link destination:
  ``[{{ project.name }}]({{ project.today.code|url }})``;
- ``verbatim`` writes a value unescaped inside a code block, and refuses one
  that could end the block (a line break, a backtick, a tilde).

Templates can read the talk's own data files, so that a figure on a page is
taken from the data at build time, never typed in:

- ``csv("source/_data/stats/code-size.csv")``: the rows of a CSV file (its
  first line names the columns) as a list of dicts; a cell written as a
  number (``12``, ``-3``, ``4.5``; not ``012``) is a number, any other cell
  text. Jinja's filters then pick the figures:
  ``{% set all = csv(path)|selectattr("repository", "eq", "all")|list %}``,
  ``{{ (all|max(attribute="authors")).month }}``;
- ``json("source/_data/stats/provenance.json")``: a JSON file's value;
- ``month("2013-02")``: a ``YYYY-MM`` month in words in the talk's
  ``language`` ("February 2013"), with Babel's dates.

A path is relative to the talk's folder (``conf.py``'s), the same from the
deck and from the handbook, and must stay inside it. Each file read is a
dependency of the page (compared by content): a data edit reads the page
again. A file that is missing, outside the talk or not valid stops that
``{render}`` with a warning that names the file, its line and the fix.

Templates come from ``templates_path`` only (a symbolic link out of the talk
is refused, :mod:`talkbook.boundary`), and a byte-order mark at the start of
one is dropped. Every template a page's ``{render}`` loads, with Jinja's
``include``, ``import`` or ``extends`` too, is a dependency of the page: an
edit to any of them reads the page again.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from talkbook.boundary import outside_talk, talk_folders, talk_root
from talkbook.charts import csv_rows
from talkbook.data import DataError, load_once, md_text, md_url
from talkbook.facts import Facts, load_facts
from talkbook.projects import ProjectData, load_projects

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)


class Markdown(str):
    """Text that is MyST already: written as it is."""


def _finalize(value: object) -> str:
    return value if isinstance(value, Markdown) else md_text(value)


def _url(value: object) -> Markdown:
    return Markdown(md_url(value))


def _verbatim(value: object) -> Markdown:
    value = str(value)
    if any(c in value for c in "\n\r`~"):
        raise ValueError(f"{value!r} cannot go into a code block as it is (a line break, ` or ~)")
    return Markdown(value)


def _percent_s(pattern: object) -> str:
    return str(pattern).replace("{slug}", "%s")


class OutsideTalk(jinja2.TemplateError):
    """A template whose file, symbolic links followed, is outside the talk."""


class TalkLoader(jinja2.FileSystemLoader):
    """Jinja2's loader of files, for the files of the talk, that notes each template it gives.

    Jinja2 asks the loader whether a template it compiled already is up to date
    each time that template is asked for (``auto_reload``), so :attr:`loaded`
    sees every template a render uses, compiled before or not.
    """

    def __init__(self, folders: tuple[str, ...], talk: tuple[str, ...]) -> None:
        super().__init__(folders)
        self.talk = [Path(p) for p in talk]
        self.loaded: set[str] = set()

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        resolved = Path(filename).resolve()
        if not any(resolved == folder or folder in resolved.parents for folder in self.talk):
            raise OutsideTalk(f"the template {template} is {resolved}, outside the talk's folder ({self.talk[0]}): "
                              "a talk reads only its own files. Replace the symbolic link with the file itself.")
        self.loaded.add(filename)

        def noted() -> bool:
            self.loaded.add(filename)
            return uptodate()

        return source.removeprefix("\ufeff"), filename, noted


@functools.lru_cache(maxsize=8)
def environment(folders: tuple[str, ...], talk: tuple[str, ...]) -> jinja2.Environment:
    """A Jinja2 environment for the templates of *folders*, in the talk's *talk* folders (it
    compiles each template once, and again when the template's file changes)."""
    env = jinja2.Environment(
        loader=TalkLoader(folders, talk),
        autoescape=False,  # Markdown, not HTML: _finalize escapes every value
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(url=_url, verbatim=_verbatim, percent_s=_percent_s)
    return env


def _data_path(config: Config, name: str) -> Path | None:
    value = config[name]
    return Path(config.talkbook_confdir, value) if value else None


def template_context(config: Config) -> dict:
    """What templates see: the project data and the facts, checked already."""
    context: dict = {}
    projects_path = _data_path(config, "talkbook_projects_file")
    if projects_path:
        data: ProjectData = load_once(load_projects, projects_path)
        context.update(data=data, projects=data.projects, patterns=data.patterns,
                       today=data.today_patterns, as_of=data.as_of)
    facts_path = _data_path(config, "talkbook_facts_file")
    if facts_path:
        facts: Facts = load_once(load_facts, facts_path)
        context["facts"] = facts
    return context


# -- Data files, read by a template ----------------------------------------------------

_NUMBER = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _cell(text: str) -> int | float | str:
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def template_functions(config: Config, record: set[str]) -> dict:
    """``csv``, ``json`` and ``month`` for a template; each file read is added to *record*."""
    folder = talk_root(config)

    def read(name: str) -> tuple[Path, bytes]:
        problem = outside_talk(folder / str(name), config)
        if problem:
            raise ValueError(f"{name}: {problem}")
        path = (folder / str(name)).resolve()
        record.add(str(path))  # before it is read: creating it later reads the page again
        try:
            return path, path.read_bytes()
        except FileNotFoundError:
            raise ValueError(f"there is no file {name} in the talk's folder ({folder}): the path is relative "
                             "to that folder; fix it, or create the file") from None
        except OSError as err:
            raise ValueError(f"{name} cannot be read ({err.strerror})") from None

    def read_csv(name: str) -> list[dict]:
        path, data = read(name)
        return [{key: _cell(value) for key, value in row.items()}
                for _line, _header, row in csv_rows(path, data) if row is not None]

    def read_json(name: str) -> object:
        path, data = read(name)
        try:
            return json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as err:
            raise DataError(path, data.count(b"\n", 0, err.start) + 1, f"the file is not UTF-8 ({err.reason})",
                            "Save it as UTF-8.") from None
        except json.JSONDecodeError as err:
            raise DataError(path, err.lineno, f"the file is not valid JSON ({err.msg})",
                            "Fix the JSON on that line.") from None

    def month(value: object) -> str:
        from babel.dates import format_skeleton  # Sphinx's own dependency

        match = _MONTH.match(str(value))
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValueError(f"month({value!r}): give a month as YYYY-MM")
        return format_skeleton("yMMMM", dt.date(int(match[1]), int(match[2]), 1), locale=config.language or "en")

    return {"csv": read_csv, "json": read_json, "month": month}


class Render(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        folders = tuple(str(Path(self.config.talkbook_confdir, p)) for p in self.config.templates_path)
        record = self.state.document.settings.record_dependencies
        for key in ("talkbook_projects_file", "talkbook_facts_file"):
            path = _data_path(self.config, key)
            if path:
                record.add(str(path))
        env = environment(folders, tuple(str(p) for p in talk_folders(self.config)))
        env.loader.loaded = set()
        try:
            text = env.get_template(name).render({**template_context(self.config),
                                                  **template_functions(self.config, record)})
        except OutsideTalk as err:
            logger.warning("{render} %s: %s", name, err, location=self.get_location(),
                           type="talkbook", subtype="boundary")
            return []
        except jinja2.TemplateNotFound as err:
            logger.warning("template %r not found in %s: check its name.", err.name,
                           ", ".join(self.config.templates_path), location=self.get_location())
            return []
        except jinja2.TemplateSyntaxError as err:
            logger.warning("template syntax error: %s. Fix the template.", err.message,
                           location=f"{err.filename}:{err.lineno}")
            return []
        except DataError as err:
            logger.warning("%s (read by the template %s at %s). %s", err.what, name, self.get_location(), err.fix,
                           location=err.where)
            return []
        except (jinja2.TemplateError, ValueError) as err:
            logger.warning("template %s failed: %s. Fix the template or the data.", name, err,
                           location=self.get_location())
            return []
        except RecursionError:
            logger.warning("template %s includes, imports or extends itself, directly or through others (%s): "
                           "remove the one that points back.", name,
                           ", ".join(sorted(Path(f).name for f in env.loader.loaded)), location=self.get_location())
            return []
        finally:
            # Every template the render used (included, imported, extended) is a dependency.
            for filename in sorted(env.loader.loaded):
                record.add(filename)
        # Its headings' sections go straight into the page, not into what the parse returns:
        # after the last child of a section still open (the page's last section, and the
        # last section in that...), the directive's own or one that holds it.
        holders, node = [], self.state.document
        while node is not None:
            holders.append((node, len(node.children)))
            node = node.children[-1] if node.children and isinstance(node.children[-1], nodes.section) else None
        found = self.parse_text_to_nodes(text, offset=0, allow_section_headings=True)
        added = [child for holder, before in holders for child in holder.children[before:]]
        # What a template writes has no line of its own in the page (MyST would count the
        # rendered text's lines from the directive's): all of it stands where the directive
        # does, so a warning or a link check row names that line.
        for node in [*found, *added]:
            for element in node.findall(nodes.Element):
                element.line = self.lineno
        return found


def _load_early(app: Sphinx, config: Config) -> None:
    """A bad data file stops the build before any page is read, with one message."""
    try:
        template_context(config)
    except DataError as err:
        raise ConfigError(f"{err.where}: {err.what}. {err.fix}") from None


def setup_templates(app: Sphinx) -> None:
    app.add_directive("render", Render)
    app.connect("config-inited", _load_early, priority=800)
