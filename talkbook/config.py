"""Configuration values of talkbook: declared, typed and checked in one place.

One ``conf.py`` serves two Sphinx projects, the deck and the handbook. Which
one a build is comes from its source folder, never from the builder's name:
``sphinx-build -b linkcheck slides ...`` checks the deck as the deck.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: name -> (default, rebuild, types, what it is: shown when the value is wrong)
CONFIG_VALUES: dict[str, tuple[object, str, tuple[type, ...], str]] = {
    "talkbook_deck_srcdir": (
        "slides", "env", (str,), "the folder of the deck's sources, relative to conf.py"),
    "talkbook_handbook_srcdir": (
        "source", "env", (str,), "the folder of the handbook's sources, relative to conf.py"),
    "talkbook_deck_path": (
        "slides", "env", (str,), "where the deck sits inside the published site, relative to its root"),
    "talkbook_deck_docname": (
        "index", "env", (str,), "the document of the deck's source folder that is the deck"),
    "talkbook_require_notes": (
        True, "env", (bool,), "whether every slide but the title slide must have speaker notes"),
    "talkbook_projects_file": (
        "", "env", (str,), "the project data file (YAML) for {render}, relative to conf.py; '' for none"),
    "talkbook_facts_file": (
        "", "env", (str,), "the facts file (YAML) whose facts pages use by name, relative to conf.py; '' for none"),
    "talkbook_site_url": (
        "", "html", (str,), "the published site's address, ending in '/' ('' when not known)"),
    "talkbook_deck_extensions": (
        ["sphinx_revealjs"], "env", (list,), "extensions that only the deck's build loads"),
    "talkbook_handbook_extensions": (
        ["notfound.extension"], "env", (list,), "extensions that only the handbook's build loads (default: the 404 page)"),
    "talkbook_palette": (
        # Okabe and Ito's colour-blind-safe colours, their yellow left out (it
        # does not stand out from white), dark enough for lines on white.
        ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"], "env", (list,),
        "the colours of {chart}'s series, in order: a list of CSS colours ('#0072b2' or a name)"),
    "talkbook_allowed_paths": (
        [], "env", (list,), "more folders, relative to conf.py, that pages, templates and data may read "
        "(the folder of conf.py always is one)"),
    "talkbook_raw_html_tags": (
        [], "env", (list,), "the HTML tags that pages may write as raw HTML, from a short list of harmless "
        "ones such as 'kbd', 'br' and 'abbr' (any other raw HTML shows as text)"),
}


def is_deck(config: Config) -> bool:
    """Whether this build is the deck's (its source folder is the deck's)."""
    return config.talkbook_role == "deck"


def _role(app: Sphinx) -> str:
    """The build's role by its source folder: "deck", "handbook", or "" when it is neither."""
    srcdir = Path(app.srcdir).resolve()
    for role in ("deck", "handbook"):
        if srcdir == Path(app.confdir, app.config[f"talkbook_{role}_srcdir"]).resolve():
            return role
    return ""


def _derive(app: Sphinx, config: Config) -> None:
    # Directives see the configuration, not the application: keep there what
    # they need to know of it.
    config.talkbook_confdir = str(app.confdir)
    config.talkbook_role = _role(app)


def _check(app: Sphinx, config: Config) -> None:
    for name, (_default, _rebuild, types, meaning) in CONFIG_VALUES.items():
        value = config[name]
        if not isinstance(value, types):
            wanted = " or ".join(t.__name__ for t in types)
            raise ConfigError(
                f"conf.py: {name} must be a {wanted} ({meaning}), not {type(value).__name__} {value!r}."
            )
    if not _role(app):
        raise ConfigError(
            f"conf.py: this build's sources ({app.srcdir}) are neither the deck's "
            f"(talkbook_deck_srcdir = {config.talkbook_deck_srcdir!r}) nor the handbook's "
            f"(talkbook_handbook_srcdir = {config.talkbook_handbook_srcdir!r}): set those to the "
            "two source folders, relative to conf.py."
        )
    path = config.talkbook_deck_path
    if path.startswith("/") or ".." in path.split("/") or not path.strip("/"):
        raise ConfigError(
            f"conf.py: talkbook_deck_path = {path!r} must be a folder inside the site, such as 'slides'."
        )
    url = config.talkbook_site_url
    if url and not (url.startswith(("https://", "http://")) and url.endswith("/")):
        raise ConfigError(
            f"conf.py: talkbook_site_url = {url!r} must be an http(s) address that ends in '/', "
            "such as 'https://example.org/talk/'."
        )


def setup_config(app: Sphinx) -> None:
    for name, (default, rebuild, types, _meaning) in CONFIG_VALUES.items():
        app.add_config_value(name, default, rebuild, types=types)
    # Set at config-inited, never in conf.py.
    app.add_config_value("talkbook_confdir", "", "", types=(str,))
    app.add_config_value("talkbook_role", "", "env", types=(str,))
    app.connect("config-inited", _check, priority=100)
    app.connect("config-inited", _derive, priority=100)
    # Each project loads its own extensions (conf.py's values are readable
    # once declared): the handbook need not load sphinx-revealjs, which
    # declares itself unsafe for parallel reading, nor the deck a 404 page.
    for name in app.config[f"talkbook_{_role(app) or 'handbook'}_extensions"]:
        app.setup_extension(name)


def read_settings(confdir: Path) -> dict:
    """A talk's settings as its conf.py gives them, talkbook's defaults filled in, for the
    tools that read them without a build (the link report, talkbook's checks)."""
    from sphinx.config import Config
    from sphinx.util.tags import Tags

    config = Config.read(Path(confdir), overrides={}, tags=Tags())
    for name, (default, rebuild, types, _meaning) in CONFIG_VALUES.items():
        config.add(name, default, rebuild, types)
    config.add("revealjs_script_conf", {}, "html", (dict,))  # sphinx-revealjs'
    config.add("html_theme", "alabaster", "html", (str,))  # Sphinx's HTML builder's
    names = [*CONFIG_VALUES, "project", "html_theme", "templates_path", "revealjs_script_conf"]
    return {name: config[name] for name in names}
