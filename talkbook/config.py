"""Configuration values of talkbook: declared, typed and checked in one place."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: name -> (default, types, help shown when the value is wrong)
CONFIG_VALUES: dict[str, tuple[object, tuple[type, ...], str]] = {
    "talkbook_deck_srcdir": (
        "slides",
        (str,),
        "the folder of the deck's sources, relative to conf.py",
    ),
    "talkbook_handbook_srcdir": (
        "source",
        (str,),
        "the folder of the handbook's sources, relative to conf.py",
    ),
    "talkbook_deck_path": (
        "slides",
        (str,),
        "where the deck sits inside the published site, relative to its root",
    ),
    "talkbook_deck_docname": (
        "index",
        (str,),
        "the document of the deck's source folder that is the deck",
    ),
    "talkbook_require_notes": (
        True,
        (bool,),
        "whether every slide but the title slide must have speaker notes",
    ),
}


def _check(app: Sphinx, config: Config) -> None:
    for name, (_default, types, meaning) in CONFIG_VALUES.items():
        value = config[name]
        if not isinstance(value, types):
            wanted = " or ".join(t.__name__ for t in types)
            raise ConfigError(
                f"conf.py: {name} must be a {wanted} ({meaning}), "
                f"not {type(value).__name__} {value!r}."
            )
    for name in ("talkbook_deck_srcdir", "talkbook_handbook_srcdir"):
        folder = Path(app.confdir, config[name])
        if not folder.is_dir():
            raise ConfigError(
                f"conf.py: {name} = {config[name]!r}, but {folder} is not a folder. "
                "Set it to the folder that holds those sources."
            )
    path = config.talkbook_deck_path
    if path.startswith("/") or ".." in path.split("/") or not path.strip("/"):
        raise ConfigError(
            f"conf.py: talkbook_deck_path = {path!r} must be a folder inside the "
            "site, such as 'slides'."
        )


def _remember_confdir(app: Sphinx, config: Config) -> None:
    # Directives see the config but not the application: keep conf.py's folder
    # where they can read it.
    config.talkbook_confdir = str(app.confdir)


def setup_config(app: Sphinx) -> None:
    for name, (default, types, _meaning) in CONFIG_VALUES.items():
        app.add_config_value(name, default, "env", types=types)
    app.add_config_value("talkbook_confdir", "", "", types=(str,))
    app.connect("config-inited", _remember_confdir, priority=100)
    app.connect("config-inited", _check)
