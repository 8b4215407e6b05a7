"""Data files (YAML) read with the line of every entry, and checked.

A mistake raises :class:`DataError`, which names the file, the line, what is
wrong and what to do. The project data (:mod:`talkbook.projects`) and the facts
(:mod:`talkbook.facts`) are read with these helpers.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

#: In a data URL: what would end or break the markup it is written into.
_BAD_URL_CHARS = re.compile(r"""[\s<>"'`\\]""")
#: The key under which each mapping keeps the line it starts on...
LINE = "__line__"
#: ...and the line of each of its keys.
KEY_LINES = "__key_lines__"


class DataError(Exception):
    """A mistake in a data file, with where it is and how to fix it."""

    def __init__(self, path: Path, line: int | None, what: str, fix: str) -> None:
        self.path, self.line, self.what, self.fix = Path(path), line, what, fix
        super().__init__(f"{self.where}: {what}. {fix}")

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping and refuses repeated keys."""


class _ValueError(yaml.constructor.ConstructorError):
    """A value YAML reads but cannot make (a repeated key, a date that does not exist), with its fix."""

    def __init__(self, problem: str, mark, fix: str) -> None:
        super().__init__(None, None, problem, mark)
        self.fix = fix


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping: dict = {KEY_LINES: {}}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise _ValueError(f"the key {key!r} appears twice", key_node.start_mark,
                              "Keep one of the two: a key appears once in each mapping.")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping[KEY_LINES][key] = key_node.start_mark.line + 1
    mapping[LINE] = node.start_mark.line + 1
    return mapping


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    # YAML reads 2026-02-30 as a date, which Python then cannot make.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as err:
        raise _ValueError(f"{node.value!r} is not a date that exists ({err})", node.start_mark,
                          "Write a real date, as YYYY-MM-DD.") from None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(path: Path, what: str, setting: str) -> dict:
    """The mapping at the top of *path*; *what* names the file in messages."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(path, None, f"the {what} file does not exist",
                        f"Create it, or set {setting} in conf.py.") from None
    except UnicodeDecodeError as err:
        raise DataError(path, None, f"the file is not UTF-8 ({err.reason} at byte {err.start})",
                        "Save it as UTF-8.") from None
    except OSError as err:
        raise DataError(path, None, f"the {what} file cannot be read ({err.strerror})",
                        f"Make it a readable file, or set {setting} in conf.py.") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except _ValueError as err:
        raise DataError(path, err.problem_mark.line + 1, err.problem, err.fix) from None
    except yaml.reader.ReaderError as err:
        # A character YAML refuses (a NUL byte, a control character): where it is.
        line = text.count("\n", 0, err.position) + 1
        raise DataError(path, line, f"the file holds the character #x{err.character:04x} at line {line}, which YAML "
                        "does not allow", "Remove it: a control character is often left by a bad copy and paste "
                        "or an editor that saved binary data.") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error: {err.problem or err.context}"
        if err.context and err.context_mark and err.problem_mark and err.context_mark.line != err.problem_mark.line:
            message += f" ({err.context} that starts on line {err.context_mark.line + 1})"
        raise DataError(path, line, message,
                        "Check the indentation, brackets and quotes on that line and the one it names.") from None
    except yaml.YAMLError as err:
        raise DataError(path, None, f"YAML error: {err}", "Check the file's syntax.") from None
    except RecursionError:
        raise DataError(path, None, "the data is nested too deep to read",
                        "Nest fewer lists and mappings inside each other.") from None
    return mapping(path, 1, "the file", data)


_loaded: dict[tuple[str, bytes], object] = {}


def load_once(loader, path: Path):
    """*loader(path)*, once per content of the file in this process (conf.py's
    checks and each ``{render}`` of a build read the same files)."""
    try:
        key = (str(path), hashlib.sha256(Path(path).read_bytes()).digest())
    except OSError:
        return loader(path)  # it says what is wrong
    if key not in _loaded:
        _loaded[key] = loader(path)
    return _loaded[key]


def mapping(path: Path, line: int | None, where: str, value: object) -> dict:
    if not isinstance(value, dict):
        raise DataError(path, line, f"{where} must be a mapping of keys to values, not {type(value).__name__}",
                        "Indent its keys under it, one 'key: value' per line.")
    return value


def text(path: Path, line: int | None, entry: str, key: str, value: object, required: bool = True) -> str:
    """A one-line text value: runs of white space become one space."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        kind = "missing" if value is None else f"a {type(value).__name__}"
        raise DataError(path, line, f"{entry}: '{key}' must be text, but it is {kind}",
                        f"Give '{key}' a short text value.")
    return " ".join(value.split())


def url(path: Path, line: int | None, entry: str, key: str, value: object) -> str:
    """An http(s) URL (``{slug}`` may stand for a part of it)."""
    if not isinstance(value, str) or not value.strip():
        raise DataError(path, line, f"{entry}: '{key}' must be a URL as text, not {type(value).__name__}",
                        "Write it as https://host/path.")
    parts = urlsplit(value.replace("{slug}", "x"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DataError(path, line, f"{entry}: '{key}' is {value!r}, which is not an http(s) URL",
                        "Only http:// and https:// links are allowed: write the full https:// address.")
    if _BAD_URL_CHARS.search(value):
        raise DataError(path, line, f"{entry}: '{key}' has a space, quote, backslash or angle bracket: {value!r}",
                        "Percent-encode those characters or remove them.")
    return value


def unknown_keys(path: Path, line: int | None, entry: str, found: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(found) - {LINE, KEY_LINES, *allowed}
    if unknown:
        raise DataError(path, line, f"{entry}: unknown field(s) {', '.join(sorted(unknown))}",
                        f"Remove them, or fix their spelling ({', '.join(allowed)}).")


# -- Data written into MyST ----------------------------------------------------------
#
# Data stays data: a value is escaped for the Markdown it is written into, so
# that "**stars**", "<script>", a role or a directive show as those characters.

_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_text(value: object) -> str:
    """*value* as literal MyST inline text, on one line: every ASCII punctuation
    character is backslash-escaped (CommonMark allows it for each of them)."""
    return _MD_PUNCTUATION.sub(r"\\\1", " ".join(str(value).split()))


def md_url(value: object) -> str:
    """An http(s) URL as a MyST link destination (``<...>``)."""
    value = str(value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or _BAD_URL_CHARS.search(value):
        raise ValueError(f"{value!r} is not an http(s) URL that can be written as a link")
    return f"<{value}>"


def md_link(text_: object, address: object) -> str:
    return f"[{md_text(text_)}]({md_url(address)})"
