"""The talk's folder is the boundary: no file outside it is read into the output.

The talk is the folder that holds ``conf.py``, with the two projects' source
folders (``talkbook_deck_srcdir``, ``talkbook_handbook_srcdir``: inside it, as
a rule) and any folder that ``talkbook_allowed_paths`` names on purpose, all
relative to conf.py. As Hugo
reads no file outside its project unless the project mounts it, and Jekyll's
safe mode refuses symbolic links that leave the site:

- **Symbolic links** under the folders a build reads (both projects' sources,
  ``templates_path``, the static folders) are checked before Sphinx looks for
  pages: a link out of the talk, to nothing, or to a folder that holds it (a
  loop that Sphinx would walk until the path grows too long) stops the build
  at once.
- **Directives that read a file** check its path before they read it:
  ``literalinclude``, ``revealjs-literalinclude``, reStructuredText's
  ``include`` (MyST's ``{include}`` is checked before the page is parsed,
  :mod:`talkbook.checks`), ``csv-table`` and ``raw`` with ``:file:``. Their
  ``:url:`` option, a download during the build, is refused.
- **Whatever else a page names**, once it is parsed and before Sphinx
  collects its images and downloads: images (Markdown's ``![...](...)`` too),
  ``{download}`` links, and every file that any directive recorded as a
  dependency. A file outside the talk is dropped from the page.
- **Page templates** (the theme's overrides in ``templates_path``) load only
  from ``templates_path`` and the theme (:class:`TalkTemplates`, Sphinx's
  ``template_bridge``); ``{render}``'s data templates only from
  ``templates_path`` (:mod:`talkbook.templates`).

Each attempt is a warning (an error under ``-W``) that names the page, the
line, the path and what to do. Another directive that reads a file (a chart
from a CSV file, say) asks :func:`outside_talk` before it reads::

    problem = outside_talk(path, self.config)
    if problem:
        logger.warning("{chart} %s: %s", self.arguments[0], problem, location=self.get_location())
        return []
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Raw
from sphinx import addnodes
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.directives.patches import CSVTable
from sphinx.errors import ConfigError
from sphinx.jinja2glue import BuiltinTemplateLoader
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, is_directive_registered

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: What to do, said after every refusal.
FIX = ("Copy the file into the talk's folder, or name the folder that holds it in "
       "talkbook_allowed_paths in conf.py.")
#: Folders never read as sources: version control, virtual environments, caches.
_NOT_SOURCES = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv"}


def talk_folders(config: Config) -> list[Path]:
    """The folders a build may read: conf.py's first, the two projects' sources (inside it,
    as a rule), and those of ``talkbook_allowed_paths``."""
    named = (config.talkbook_deck_srcdir, config.talkbook_handbook_srcdir, *config.talkbook_allowed_paths)
    return list(_folders(config.talkbook_confdir, named))


def talk_root(config: Config) -> Path:
    """The folder that holds the talk: conf.py's, or the one that holds it and both
    source folders (a test project keeps the deck's conf.py in the deck's folder).
    A path that a template or a chart gives "relative to the talk" starts here."""
    confdir = Path(config.talkbook_confdir).resolve()
    sources = ((confdir / config[f"talkbook_{role}_srcdir"]).resolve() for role in ("deck", "handbook"))
    return Path(os.path.commonpath([confdir, *sources]))


@functools.lru_cache(maxsize=16)
def _folders(confdir: str, named: tuple[str, ...]) -> tuple[Path, ...]:
    return tuple(dict.fromkeys([Path(confdir).resolve(), *((Path(confdir) / p).resolve() for p in named)]))


def _within(path: Path, folders: list[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def inside_talk(path: str | os.PathLike, config: Config) -> bool:
    """Whether *path*, symbolic links followed, is a file of the talk."""
    return _within(Path(path).resolve(), talk_folders(config))


def outside_talk(path: str | os.PathLike, config: Config) -> str | None:
    """``None`` when *path* may be read; otherwise what is wrong and what to do, to show."""
    if inside_talk(path, config):
        return None
    resolved = Path(path).resolve()
    via = "" if resolved == Path(os.path.abspath(path)) else f" (through a symbolic link, {resolved})"
    return (f"{os.path.abspath(path)}{via} is outside the talk's folder ({talk_folders(config)[0]}): "
            f"a talk reads only its own files. {FIX}")


# -- Symbolic links, before Sphinx looks for pages -------------------------------------


def _read_folders(app: Sphinx, config: Config) -> list[Path]:
    confdir = Path(app.confdir)
    names = [config.talkbook_deck_srcdir, config.talkbook_handbook_srcdir, *config.templates_path,
             *config.html_static_path, *getattr(config, "html_extra_path", []),
             *getattr(config, "revealjs_static_path", [])]
    folders = [Path(app.srcdir), *(confdir / name for name in names)]
    return list(dict.fromkeys(f.resolve() for f in folders if f.is_dir()))


def symlink_problem(link: Path, folders: list[Path]) -> str | None:
    """What is wrong with the symbolic link *link*, or None."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return (f"{link}: a symbolic link that leads nowhere (to a missing file, or round a loop of "
                "links). Remove it, or point it at a file of the talk.")
    if not _within(target, folders):
        return (f"{link}: a symbolic link to {target}, outside the talk's folder ({folders[0]}): a talk "
                f"reads only its own files. Put what it points to into the talk, or name its folder in "
                "talkbook_allowed_paths in conf.py.")
    if target.is_dir() and (target == link.parent.resolve() or target in link.parent.resolve().parents):
        return (f"{link}: a symbolic link to {target}, a folder that holds the link itself: the build "
                "would walk it round and round. Remove the link.")
    return None


def _check_symlinks(app: Sphinx, config: Config) -> None:
    folders = talk_folders(config)
    skip = {Path(app.outdir).resolve(), Path(app.doctreedir).resolve()}
    for top in _read_folders(app, config):
        for here, dirnames, filenames in os.walk(top):  # never into a linked folder
            dirnames[:] = [d for d in dirnames if d not in _NOT_SOURCES and Path(here, d).resolve() not in skip
                           and not Path(here, d, "pyvenv.cfg").exists()]
            for name in sorted(dirnames + filenames):
                path = Path(here, name)
                if path.is_symlink():
                    problem = symlink_problem(path, folders)
                    if problem:
                        raise ConfigError(problem)
    for name in config.templates_path:
        if not inside_talk(Path(app.confdir, name), config):
            raise ConfigError(f"conf.py: templates_path names {name!r}, outside the talk's folder "
                              f"({folders[0]}). {FIX}")
    for setting in ("talkbook_projects_file", "talkbook_facts_file"):
        if config[setting] and not inside_talk(Path(app.confdir, config[setting]), config):
            raise ConfigError(f"conf.py: {setting} = {config[setting]!r}: "
                              f"{outside_talk(Path(app.confdir, config[setting]), config)}")


# -- Directives that read a file: the path checked first -------------------------------


class _Guarded(SphinxDirective):
    """Checks the files a directive is about to read; refuses the build's downloads."""

    def files_to_read(self) -> list[tuple[str, list[Path]]]:
        """(the path as written, the paths it may stand for) of each file the directive reads."""
        raise NotImplementedError

    def _candidates(self, written: str) -> list[Path]:
        """The file that Sphinx reads for *written*: an absolute path is from the source folder,
        a relative one from the page's folder."""
        return [Path(self.env.relfn2path(written)[1])]

    def _docutils_candidates(self, written: str) -> list[Path]:
        """Every file that docutils' directives may read for *written*: as it is (absolute, or
        from the current folder), from the file that holds the directive, and Sphinx's way."""
        holders = {self.get_source_info()[0], self.state.document.current_source}
        return [*self._candidates(written), Path(os.path.abspath(written)),
                *(Path(holder).parent / written for holder in holders if holder)]

    def run(self) -> list[nodes.Node]:
        name = self.name
        if "url" in self.options:
            logger.warning("{%s} :url: %s: a build downloads nothing. Save the file into the talk's "
                           "folder and name it with :file:.", name, self.options["url"],
                           location=self.get_location(), type="talkbook", subtype="boundary")
            return []
        for written, candidates in self.files_to_read():
            for path in candidates:
                problem = outside_talk(path, self.config)
                if problem:
                    logger.warning("{%s} %s: %s", name, written, problem, location=self.get_location(),
                                   type="talkbook", subtype="boundary")
                    return []
        return super().run()


class GuardedLiteralInclude(_Guarded, LiteralInclude):
    def files_to_read(self):
        found = [(self.arguments[0], self._candidates(self.arguments[0]))]
        if "diff" in self.options:
            found.append((self.options["diff"], self._candidates(self.options["diff"])))
        return found


class GuardedInclude(_Guarded, Include):
    """reStructuredText's include (in ``{eval-rst}``, or an .rst page)."""

    def files_to_read(self):
        written = self.arguments[0]
        if written.startswith("<") and written.endswith(">"):
            return []  # docutils' own files of character names (isonum.txt...)
        return [(written, self._candidates(written))]


class GuardedCSVTable(_Guarded, CSVTable):
    def files_to_read(self):
        return [(self.options["file"], self._docutils_candidates(self.options["file"]))] if "file" in self.options else []


class GuardedRaw(_Guarded, Raw):
    def files_to_read(self):
        return [(self.options["file"], self._docutils_candidates(self.options["file"]))] if "file" in self.options else []


def _add_guarded(app: Sphinx) -> None:
    app.add_directive("literalinclude", GuardedLiteralInclude, override=True)
    app.add_directive("include", GuardedInclude, override=True)
    app.add_directive("csv-table", GuardedCSVTable, override=True)
    app.add_directive("raw", GuardedRaw, override=True)
    # sphinx-revealjs's, when the deck's build has loaded it (talkbook.config).
    if not is_directive_registered("revealjs-literalinclude"):
        return
    revealjs, _messages = directives.directive("revealjs-literalinclude", None, None)
    if not issubclass(revealjs, _Guarded):
        guarded = type("GuardedRevealjsLiteralInclude", (_Guarded, revealjs),
                       {"files_to_read": GuardedLiteralInclude.files_to_read})
        app.add_directive("revealjs-literalinclude", guarded, override=True)


# -- Once a page is parsed: whatever it names ----------------------------------------------


def _local(uri: str) -> bool:
    return not (uri.startswith("data:") or "://" in uri or uri.startswith("//"))


def _refuse(node: nodes.Node, what: str, problem: str) -> None:
    # A node some directive made without a line (sphinx-revealjs's backgrounds): its nearest holder's.
    holder = node
    while holder.parent is not None and holder.line is None:
        holder = holder.parent
    logger.warning("%s: %s", what, problem, location=holder, type="talkbook", subtype="boundary")


def _check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Drop from the page every file it names outside the talk (before Sphinx collects images)."""
    env, config = app.env, app.config
    docname = env.docname
    named = [(node, "the image", "uri", node.get("alt", "")) for node in doctree.findall(nodes.image)]
    named += [(node, "{download}", "reftarget", node.astext()) for node in doctree.findall(addnodes.download_reference)]
    for node, what, key, text in named:
        uri = node.get(key, "")
        problem = outside_talk(env.relfn2path(uri, docname)[1], config) if uri and _local(uri) else None
        if problem:
            _refuse(node, f"{what} {uri}", problem)
            node.replace_self(nodes.inline("", text))
    # Content read from a file outside (by a directive that did not ask): dropped.
    shown: set[str] = set()
    inside: dict[str, bool] = {}  # each source once: most nodes come from the page itself
    for node in list(doctree.findall(nodes.Element)):
        source = node.get("source") or node.source
        # A file's path (docutils and Sphinx give absolute ones); not a value such as
        # MyST's front matter fields carry ("True" for 'orphan: true').
        if not isinstance(source, str) or not os.path.isabs(source) or node.parent is None:
            continue
        if source not in inside:
            inside[source] = inside_talk(source, config)
        if not inside[source]:
            if source not in shown:
                shown.add(source)
                _refuse(node.parent, "this page holds the content of a file", outside_talk(source, config))
            node.parent.remove(node)
    # Recorded by docutils as they are (from the current folder), by Sphinx from the source folder.
    recorded = [Path(p) for p in doctree.settings.record_dependencies.list]
    for full in [*recorded, *(Path(app.srcdir, p) for p in env.dependencies.get(docname, ()))]:
        if str(full) not in shown and not inside_talk(full, config):
            shown.add(str(full))
            logger.warning("this page read a file outside the talk: %s", outside_talk(full, config),
                           location=docname, type="talkbook", subtype="boundary")


# -- Page templates ------------------------------------------------------------------------


class TalkTemplates(BuiltinTemplateLoader):
    """Sphinx's template loader, that loads only from ``templates_path`` and the theme.

    Sphinx joins a template's name to each folder as it is, so that
    ``{% include "/etc/passwd" %}`` in a template would read that file. Such
    a template is a warning (with the template that names it, where the name
    is written out) and is written as nothing. A byte-order mark at the start
    of a template is dropped.
    """

    def init(self, builder, theme=None, dirs=None) -> None:
        super().init(builder, theme, dirs)
        self.talkbook_folders = [Path(folder).resolve() for loader in self.loaders for folder in loader.searchpath]
        self.talkbook_templates = [Path(builder.confdir, p) for p in builder.config.templates_path]

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not _within(Path(filename).resolve(), self.talkbook_folders):
            where = _naming(template, self.talkbook_templates)
            logger.warning("a template loads %r, which is %s: templates load only from templates_path (%s) "
                           "and the theme. Name a template of those folders.", template, Path(filename).resolve(),
                           ", ".join(str(p) for p in self.talkbook_templates) or "none",
                           location=where, type="talkbook", subtype="boundary")
            return "", filename, lambda: True  # written as nothing (the warning fails a strict build)
        return source.removeprefix("\ufeff"), filename, uptodate


def _naming(template: str, folders: list[Path]) -> str | None:
    """The first "file:line" of a template in *folders* that names *template* in quotes."""
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            try:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(lines, start=1):
                if f'"{template}"' in line or f"'{template}'" in line:
                    return f"{path}:{number}"
    return None


def _use_template_bridge(app: Sphinx, config: Config) -> None:
    if not config.template_bridge:
        config.template_bridge = f"{__name__}.TalkTemplates"


def setup_boundary(app: Sphinx) -> None:
    # After talkbook.config has set talkbook_confdir; before any page is looked for.
    app.connect("config-inited", _check_symlinks, priority=150)
    app.connect("config-inited", _use_template_bridge, priority=150)
    _add_guarded(app)
    # Before Sphinx's collectors (priority 500) copy images and downloads.
    app.connect("doctree-read", _check_page, priority=200)

