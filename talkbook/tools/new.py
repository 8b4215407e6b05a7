"""Write a new talk that builds as it is: the starter, with your title and name.

    talkbook new rust-for-pythonistas --title "Rust for Pythonistas" --author "Ana Example"

writes the folder (it must be new or empty) with:

- the talk's own files, yours to edit: ``conf.py`` (talkbook's deck theme,
  slide numbers, the 404 page, link previews), ``talk.mk`` (the download's
  name), ``slides/index.md`` (a title slide and three example slides),
  ``source/`` (a landing page and one page of each kind: tutorial, how-to
  guide, reference, explanation), a shared fragment that both include,
  ``source/_data/facts.yaml``, ``README.md``, ``tests/``;
- talkbook's files, the same in every talk, which ``talkbook upgrade``
  writes again: the ``Makefile``, ``requirements/`` (exact pins, and in
  ``talkbook.txt`` the talkbook that wrote them), ``.ci/run``,
  ``.readthedocs.yaml`` and ``.github/workflows/site.yml``.

The download's name (``NAME`` in ``talk.mk``) comes from ``--name``, else from
the folder's name, else from the title.

The starter is the folder ``talkbook/starter/`` of the package: files whose
name ends in ``.jinja`` are Jinja2 templates, written without that suffix;
the others are copied as they are. The templates use ``[[ value ]]`` and
``[% ... %]``, so that the ``{{ fact }}`` of MyST and the ``${{ ... }}`` of a
GitHub workflow stay as they are. Each value is written for the file it goes
into: ``|py`` as a Python string, ``|md`` as Markdown text, ``|yaml`` as a
YAML string.

``requirements/talkbook.txt`` pins the talkbook that runs this command, from
where it was installed (PEP 610's ``direct_url.json``): a clone's folder, a
wheel (with its hash), a git URL at its commit, or a version of the package
index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

STARTER = Path(__file__).resolve().parent.parent / "starter"
TEMPLATE_SUFFIX = ".jinja"
#: talkbook's files of a talk, as written: the same in every talk, written again by `talkbook upgrade`.
MACHINERY = (
    "Makefile",
    "requirements/build.txt",
    "requirements/charts.txt",
    "requirements/preview.txt",
    "requirements/browser.txt",
    "requirements/test.txt",
    "requirements/talkbook.txt",
    ".ci/run",
    ".readthedocs.yaml",
    ".github/workflows/site.yml",
)


class StarterError(Exception):
    """A problem the person running the command can fix; printed without traceback."""


# -- The talkbook that runs this, as a requirement -------------------------------------


def talkbook_requirement(talk: Path | None = None) -> tuple[str, str]:
    """The requirement line that installs the talkbook running this code, and where it came from.

    A talk inside talkbook's own source folder (this repository's talk) gets
    that folder, editable: ``-e .``.
    """
    from talkbook import __version__

    try:
        dist = importlib.metadata.distribution("talkbook")
    except importlib.metadata.PackageNotFoundError:
        source = Path(__file__).resolve().parents[2]
        if not (source / "pyproject.toml").is_file():
            return f"talkbook=={__version__}", f"talkbook {__version__}, not installed"
        info = {"url": source.as_uri(), "dir_info": {}}
    else:
        text = dist.read_text("direct_url.json")
        if not text:
            return f"talkbook=={dist.version}", f"talkbook {dist.version} from the package index"
        info = json.loads(text)
    url = info["url"]
    fragment = ""
    if "vcs_info" in info:
        vcs = info["vcs_info"]
        # A requirement's URL names a host (PEP 508, as pip parses it): file://localhost/ is file:///.
        where = "file://localhost/" + url[len("file:///"):] if url.startswith("file:///") else url
        line = f"talkbook @ {vcs['vcs']}+{where}@{vcs['commit_id']}"
        origin = f"{vcs['vcs']} {url} at {vcs['commit_id'][:12]}"
    elif "archive_info" in info:
        archive = info["archive_info"]
        hashes = dict(archive.get("hashes") or {})
        if not hashes and "=" in archive.get("hash", ""):
            algorithm, _, value = archive["hash"].partition("=")
            hashes[algorithm] = value
        if "sha256" in hashes:
            fragment = f"sha256={hashes['sha256']}"
        line = f"talkbook @ {url}"
        origin = f"the archive {url}"
    else:
        folder = Path(urlsplit(url).path)
        if talk is not None and folder.resolve() == Path(talk).resolve():
            return "-e .", "this folder, talkbook's own source"
        line = f"talkbook @ {url}"
        origin = f"the folder {folder}"
    if info.get("subdirectory"):
        fragment += ("&" if fragment else "") + f"subdirectory={info['subdirectory']}"
    return line + (f"#{fragment}" if fragment else ""), origin


# -- Rendering ----------------------------------------------------------------------------


def slug(text: str) -> str:
    """A file name made of *text*: lowercase ASCII letters, digits and '-'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _md(value: object) -> str:
    from talkbook.data import md_text

    return md_text(value)


def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(STARTER)),
        variable_start_string="[[", variable_end_string="]]",
        block_start_string="[%", block_end_string="%]",
        comment_start_string="[#", comment_end_string="#]",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(py=repr, md=_md, yaml=json.dumps)
    return env


def starter_files() -> list[str]:
    """Every file of the starter, as written into a talk (POSIX paths, ``.jinja`` dropped)."""
    found = []
    for path in sorted(STARTER.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            found.append(path.relative_to(STARTER).as_posix())
    return found


def render(relative: str, context: dict) -> bytes:
    """The bytes of the starter's file *relative* (its name in the starter), for *context*."""
    if relative.endswith(TEMPLATE_SUFFIX):
        return environment().get_template(relative).render(context).encode("utf-8")
    return (STARTER / relative).read_bytes()


def target_name(relative: str) -> str:
    return relative[: -len(TEMPLATE_SUFFIX)] if relative.endswith(TEMPLATE_SUFFIX) else relative


def write(folder: Path, relative: str, data: bytes) -> Path:
    target = folder / target_name(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    shutil.copymode(STARTER / relative, target)  # .ci/run stays executable
    return target


def context_for(folder: Path, title: str, author: str, name: str, today: dt.date) -> dict:
    requirement, origin = talkbook_requirement(folder)
    return {
        "title": title,
        "author": author,
        "name": name,
        "copyright": f"{today.year}, {author}",
        "handbook_title": f"{title}: the handbook",
        "deck_description": f"{title}, by {author}: the slides, with the speaker's notes.",
        "handbook_description": f"The handbook of {title}, by {author}: what the slides only hint at.",
        "card_alt": f"The title slide: {title}, by {author}",
        "requirement": requirement,
        "origin": origin,
    }


def new_talk(folder: Path, title: str, author: str, name: str = "", today: dt.date | None = None) -> list[Path]:
    """Write the starter into *folder*; the files written."""
    title, author = " ".join(title.split()), " ".join(author.split())
    if not title or not author:
        raise StarterError("the talk needs a title and an author: --title \"...\" --author \"...\"")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise StarterError(f"{folder} already exists and is not an empty folder: pick a new folder, "
                           "or use `talkbook upgrade` in an existing talk.")
    name = name or slug(folder.resolve().name) or slug(title)
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        raise StarterError(f"--name {name!r}: the download's name is lowercase letters, digits, '.', '-' "
                           "and '_', as in 'my-talk'.")
    context = context_for(folder, title, author, name, today or dt.date.today())
    folder.mkdir(parents=True, exist_ok=True)
    return [write(folder, relative, render(relative, context)) for relative in starter_files()]


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog or "python -m talkbook.tools.new",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the new talk's folder (new, or empty)")
    parser.add_argument("--title", required=True, help="the talk's title, as the title slide shows it")
    parser.add_argument("--author", required=True, help="the speaker's name")
    parser.add_argument("--name", default="", help="the download's name (default: from the folder's name)")
    args = parser.parse_args(argv)
    try:
        written = new_talk(args.folder, args.title, args.author, args.name)
    except StarterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"error: {err.filename or args.folder}: {err.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files into {args.folder}/. Next:\n"
          f"  cd {args.folder}\n"
          "  make          # sets up .venv, builds the deck, the handbook and the download\n"
          "  make test     # talkbook's checks of the talk\n"
          "  make serve    # a live preview while you write\n"
          "Then put it under git (git init && git add . && git commit) and read README.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
