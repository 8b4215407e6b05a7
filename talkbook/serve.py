"""Live preview: serve the handbook and the deck, rebuild both on save, reload the browser.

    python -m talkbook.serve --port 8000 --builddir _build     (make serve PORT=8000)

Built from sphinx-autobuild's pieces (its file watcher, its reload script and
its static server) rather than its command line, because one change here feeds
two builds: the deck (``slides/``, revealjs builder) goes into
``<builddir>/serve/slides`` and the handbook (``source/``, html builder) into
``<builddir>/serve``, the same layout as the published site, so crosslinks work
in the preview. Any change under ``slides/``, ``source/`` (``_shared`` and
``_data`` too), ``_templates/``, ``_static/``, ``talkbook/`` or ``conf.py``
rebuilds both and then reloads every open page. A change to ``talkbook/``
rebuilds from scratch: Sphinx does not notice that an extension's code changed.

Warnings are printed but do not stop the preview (no ``-W``): you see the page
while you fix what the strict ``make`` build would refuse. A failed build keeps
the last good output on the server.
"""

from __future__ import annotations

import argparse
import errno
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What a change to rebuilds both outputs, relative to the repository's root.
WATCHED = ("slides", "source", "_templates", "_static", "talkbook", "conf.py")
#: Changes to these need a fresh environment: Sphinx caches what extensions produced.
FRESH = ("talkbook", "conf.py")
#: Editor droppings and caches, never a reason to rebuild.
IGNORED = (r"/__pycache__/", r"\.pyc$", r"/\.#", r"~$", r"\.sw[a-p]$", r"/\.pytest_cache/", r"/4913$")
#: The make build's flags without -W.
FLAGS = ["--keep-going", "-n", "-q", "-c", "."]


class ServeError(Exception):
    """A problem the person running the preview can fix; printed without traceback."""


def urls(host: str, port: int) -> tuple[str, str]:
    return f"http://{host}:{port}/", f"http://{host}:{port}/slides/index.html"


@dataclass(frozen=True)
class SiteBuild:
    """Build the deck and the handbook into the served folder (picklable: it runs in a worker)."""

    root: str
    out: str
    doctrees: str
    handbook_url: str
    deck_url: str

    def command(self, builder: str, source: str, target: Path, fresh: bool) -> list[str]:
        doctrees = Path(self.doctrees) / builder
        return [sys.executable, "-m", "sphinx", "build", "-b", builder, "-d", str(doctrees),
                *FLAGS, *(["-E"] if fresh else []), source, str(target)]

    def __call__(self, *, changed_paths=()) -> bool:
        root = Path(self.root)
        changed = [Path(p) for p in changed_paths]
        if changed:
            shown = []
            for path in changed[:5]:
                try:
                    shown.append(path.relative_to(root).as_posix())
                except ValueError:
                    shown.append(str(path))
            print(f"[serve] changed: {', '.join(shown)}", flush=True)
        fresh = any(
            path == root / name or (root / name) in path.parents for path in changed for name in FRESH
        )
        ok = True
        out = Path(self.out)
        for name, builder, source, target in (
            ("deck", "revealjs", "slides", out / "slides"),
            ("handbook", "html", "source", out),
        ):
            started = time.monotonic()
            result = subprocess.run(self.command(builder, source, target, fresh), cwd=root)
            if result.returncode == 0:
                print(f"[serve] {name} built in {time.monotonic() - started:.1f} s", flush=True)
            else:
                ok = False
                print(f"[serve] the {name} build failed (exit {result.returncode}): see above; "
                      "the last good build is still served.", flush=True)
        print(f"[serve] handbook: {self.handbook_url}\n[serve] deck:     {self.deck_url}", flush=True)
        return ok


def check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise ServeError(f"port {port} on {host} is in use: pick another, e.g. make serve PORT={port + 1}") from None
            raise ServeError(f"cannot serve on {host}:{port}: {err.strerror}") from None


def make_app(build: SiteBuild, host: str, port: int):
    """The Starlette app of sphinx-autobuild: static files, reload script, watcher."""
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    root = Path(build.root)
    watched = [root / name for name in WATCHED if (root / name).exists()]
    ignore = IgnoreFilter([build.out, build.doctrees], list(IGNORED))
    watcher = RebuildServer(watched, ignore, change_callback=build)
    return Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=build.out, html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=f"{host}:{port}")],
        lifespan=watcher.lifespan,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m talkbook.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="the port to serve on (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to serve on (default 127.0.0.1)")
    parser.add_argument("--builddir", type=Path, default=ROOT / "_build",
                        help="the build folder; the preview goes into its serve/ (default _build)")
    args = parser.parse_args(argv)
    builddir = args.builddir if args.builddir.is_absolute() else Path.cwd() / args.builddir
    handbook_url, deck_url = urls(args.host, args.port)
    build = SiteBuild(str(ROOT), str(builddir / "serve"), str(builddir / "doctrees" / "serve"),
                      handbook_url, deck_url)
    try:
        if not 0 < args.port < 65536:
            raise ServeError(f"port {args.port} is not a port number: use 1 to 65535, e.g. PORT=8000")
        check_port(args.host, args.port)
        Path(build.out, "slides").mkdir(parents=True, exist_ok=True)
        print(f"[serve] building the deck and the handbook into {build.out}", flush=True)
        build()
        import uvicorn

        app = make_app(build, args.host, args.port)
        print(f"[serve] watching {', '.join(WATCHED)}; Ctrl+C stops", flush=True)
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    except ServeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
