"""Render project data into both outputs with Jinja2.

```{render} projects/list.html
```

renders ``_templates/projects/list.html`` with the project data (see
:mod:`talkbook.projects`) and puts the HTML into the page, in the deck and in
the handbook alike. Autoescaping is on, so text from the data file can never
become markup; the ``highlight`` filter turns code into Pygments HTML (escaped
by Pygments) and returns it as safe markup. Sphinx indexes the text of this
HTML for the handbook's search.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from docutils import nodes
from markupsafe import Markup
from sphinx.highlighting import PygmentsBridge
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from talkbook.projects import ProjectData, ProjectDataError, load_projects

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)


_cache: dict[tuple, object] = {}


def project_data(config: Config) -> ProjectData | None:
    """The project data, or None when the file is wrong (then a warning says why, once)."""
    path = Path(config.talkbook_confdir, config.talkbook_projects_file)
    try:
        key = ("data", str(path), path.stat().st_mtime_ns)
    except OSError:
        key = ("data", str(path), None)
    if key not in _cache:
        try:
            _cache[key] = load_projects(path)
        except ProjectDataError as err:
            _cache[key] = None
            location = f"{err.path}:{err.line}" if err.line else str(err.path)
            logger.warning("project data: %s. %s", err.what, err.fix, location=location,
                           type="talkbook", subtype="data")
    return _cache[key]  # type: ignore[return-value]


def _environment(config: Config) -> jinja2.Environment:
    folders = tuple(str(Path(config.talkbook_confdir, p)) for p in config.templates_path)
    key = ("jinja", folders, config.pygments_style)
    env = _cache.get(key)
    if env is None:
        bridge = PygmentsBridge("html", config.pygments_style or "sphinx")
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )

        def highlight(code: str, language: str = "python") -> Markup:
            html = bridge.highlight_block(str(code), language)
            return Markup(f'<div class="highlight-{language} notranslate">{html}</div>')

        env.filters["highlight"] = highlight
        env.filters["percent_s"] = lambda pattern: str(pattern).replace("{slug}", "%s")
        _cache[key] = env
    return env  # type: ignore[return-value]


class Render(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if not self.config.talkbook_projects_file:
            logger.warning("{render} needs project data: set talkbook_projects_file in conf.py.",
                           location=self.get_location())
            return []
        data = project_data(self.config)
        self.env.note_dependency(str(Path(self.config.talkbook_confdir, self.config.talkbook_projects_file)))
        if data is None:
            return []  # the data file's own warning says what is wrong
        env = _environment(self.config)
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound:
            logger.warning("template %r not found in %s: check its name.", name,
                           ", ".join(self.config.templates_path), location=self.get_location())
            return []
        except jinja2.TemplateSyntaxError as err:
            logger.warning("%s:%s: template syntax error: %s", err.filename, err.lineno, err.message,
                           location=self.get_location())
            return []
        if template.filename:
            self.env.note_dependency(template.filename)
        try:
            html = template.render(data=data, projects=data.projects, patterns=data.patterns,
                                   today=data.today_patterns, as_of=data.as_of)
        except jinja2.TemplateError as err:
            logger.warning("template %s failed: %s", name, err, location=self.get_location())
            return []
        container = nodes.container("", nodes.raw("", html, format="html", **{"talkbook-generated": True}),
                                    classes=["talkbook-render", Path(name).stem])
        self.set_source_info(container)
        return [container]


def _load_early(app: Sphinx) -> None:
    if app.config.talkbook_projects_file:
        project_data(app.config)  # a bad data file stops the build before any page is read


def setup_templates(app: Sphinx) -> None:
    app.add_config_value("talkbook_projects_file", "source/_data/projects.yaml", "env", types=(str,))
    app.add_directive("render", Render)
    app.connect("builder-inited", _load_early)
