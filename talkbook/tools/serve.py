"""Live preview: both outputs rebuilt on save, every open page reloaded.

    python -m talkbook.tools.serve --port 8000 --builddir _build     (make serve)

The handbook is built into ``<builddir>/serve/`` and the deck into
``<builddir>/serve/slides/``, the layout of the published site, so links
between the two work. A change to ``conf.py``, the handbook's or the deck's
sources (shared fragments and data included), ``_templates/``, ``_static/``
or the extension's code rebuilds both, side by side, then reloads every open
page.

This is a small server of our own, on watchfiles (the watcher
sphinx-autobuild uses) and Starlette, served by uvicorn: sphinx-autobuild's
command line rebuilds one project, and here one change feeds two builds.

It is long-lived, so it does what ``make`` cannot: each build runs in a
child process forked from it (multiprocessing's ``fork`` start method), and
after the first builds it imports, once, what they imported (Sphinx, the
theme, the other extensions), so the children that follow start with all of
it loaded. A child is a copy of the process, thrown away after its build: no
state outlives a build. The extension itself is imported afresh in each child, so an edit to
it is used by the next build (and, its ``env_version`` changed, every page is
read again). The preview's search index skips the fresh rebuild that ``make``
does (``talkbook_fresh_search_index``): searches find the same pages.

Warnings are printed but do not stop the preview (no ``-W``): you see the
page while you fix what the strict ``make`` refuses. A failed build keeps the
last good output on the server.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import multiprocessing
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Editor droppings and caches, never a reason to rebuild.
IGNORED_NAMES = ("__pycache__", ".pytest_cache", ".git")
IGNORED_SUFFIXES = (".pyc", "~", ".swp", ".swx", ".tmp")
#: The path of the reload socket, and the script that every served page gets.
RELOAD_PATH = "/_talkbook/reload"
RELOAD_SCRIPT = f"""<script>
window.talkbookReload = new WebSocket("ws://" + location.host + "{RELOAD_PATH}");
window.talkbookReload.onmessage = function () {{ location.reload(); }};
</script>"""


class ServeError(Exception):
    """A problem the person running the preview can fix; printed without traceback."""


def _ours(module: str) -> bool:
    return module == "talkbook" or module.startswith("talkbook.")


def _run_sphinx(argv: list[str], report) -> None:
    """In a forked child: one build, with the extension imported afresh.

    It reports the modules the build imported, for the parent to import them
    once (all but the extension's).
    """
    for name in [m for m in sys.modules if _ours(m)]:
        del sys.modules[name]
    from sphinx.cmd.build import main

    code = main(argv)
    report.send(sorted(sys.modules))
    sys.exit(code)


def _import_for_children(modules: list[str]) -> None:
    import importlib

    for name in modules:
        if not _ours(name) and name not in sys.modules and name != "__main__":
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - only a head start: the child imports what it needs
                pass


class Builds:
    """The deck's and the handbook's builds, into the served folder."""

    def __init__(self, confdir: Path, handbook: Path, deck: Path, out: Path, doctrees: Path,
                 deck_path: str) -> None:
        self.out = out
        common = ["-q", "--keep-going", "-n", "-c", str(confdir), "-D", "talkbook_fresh_search_index=0"]
        self.commands = {
            "deck": ["-b", "revealjs", "-d", str(doctrees / "deck"), *common, str(deck), str(out / deck_path)],
            "handbook": ["-b", "html", "-d", str(doctrees / "html"), *common, str(handbook), str(out)],
        }
        self.watched = [path for path in (confdir / "conf.py", handbook, deck, confdir / "_templates",
                                          confdir / "_static", ROOT / "talkbook") if path.exists()]
        self.forks = multiprocessing.get_context("fork")

    def run(self) -> bool:
        """Both builds, side by side; whether both succeeded."""
        started = time.monotonic()
        reports, children = [], {}
        for name, argv in self.commands.items():
            receive, send = self.forks.Pipe(duplex=False)
            children[name] = self.forks.Process(target=_run_sphinx, args=(argv, send), name=f"build-{name}")
            children[name].start()
            send.close()
            reports.append(receive)
        imported = []
        for receive in reports:
            try:
                imported += receive.recv()
            except EOFError:
                pass  # the build stopped before it could say
        ok = True
        for name, child in children.items():
            child.join()
            if child.exitcode != 0:
                ok = False
                print(f"[serve] the {name} build failed (exit {child.exitcode}): see above; "
                      "the last good build is still served.", flush=True)
        print(f"[serve] built in {time.monotonic() - started:.1f} s", flush=True)
        _import_for_children(imported)
        return ok


def _relevant(change, path: str) -> bool:
    parts = Path(path).parts
    return not any(name in parts for name in IGNORED_NAMES) and not path.endswith(IGNORED_SUFFIXES) \
        and not Path(path).name.startswith(".#")


def make_app(builds: Builds):
    """The Starlette app: the served folder, with the reload script in each page, and the watcher."""
    import contextlib

    from starlette.applications import Starlette
    from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocketDisconnect
    from watchfiles import awatch

    clients: set = set()
    root = builds.out.resolve()

    async def page(request):
        relative = request.path_params["path"]
        path = (root / relative).resolve()
        if path != root and root not in path.parents:
            return PlainTextResponse("Not found", status_code=404)
        if path.is_dir():
            if relative and not relative.endswith("/"):
                return RedirectResponse(request.url.path + "/")
            path = path / "index.html"
        if not path.is_file():
            return PlainTextResponse("Not found", status_code=404)
        if path.suffix == ".html":
            html = path.read_text(encoding="utf-8")
            end = html.rfind("</body>")
            html = html[:end] + RELOAD_SCRIPT + html[end:] if end >= 0 else html + RELOAD_SCRIPT
            return HTMLResponse(html, headers={"Cache-Control": "no-store"})
        return FileResponse(path, headers={"Cache-Control": "no-store"})

    async def reload_socket(websocket):
        await websocket.accept()
        clients.add(websocket)
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            clients.discard(websocket)

    async def watch() -> None:
        async for changes in awatch(*builds.watched, watch_filter=_relevant):
            shown = sorted({Path(path).name for _change, path in changes})
            print(f"[serve] changed: {', '.join(shown[:5])}", flush=True)
            await asyncio.to_thread(builds.run)
            for client in list(clients):
                with contextlib.suppress(Exception):
                    await client.send_text("reload")

    @contextlib.asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(watch())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return Starlette(routes=[WebSocketRoute(RELOAD_PATH, reload_socket), Route("/{path:path}", page)],
                     lifespan=lifespan)


def check_port(host: str, port: int) -> None:
    if not 0 < port < 65536:
        raise ServeError(f"port {port} is not a port number: use 1 to 65535, e.g. PORT=8000")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise ServeError(f"port {port} on {host} is in use: pick another, e.g. make serve PORT={port + 1}") from None
            raise ServeError(f"cannot serve on {host}:{port}: {err.strerror}") from None


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog or "python -m talkbook.tools.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="the port to serve on (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to serve on (default 127.0.0.1)")
    parser.add_argument("--builddir", type=Path, default=Path("_build"), help="the preview goes into its serve/")
    parser.add_argument("--confdir", type=Path, default=Path("."), help="the folder of conf.py")
    parser.add_argument("--handbook", type=Path, default=Path("source"), help="the handbook's sources")
    parser.add_argument("--deck", type=Path, default=Path("slides"), help="the deck's sources")
    parser.add_argument("--deck-path", default="slides", help="the deck's folder in the site")
    args = parser.parse_args(argv)
    builddir = args.builddir.resolve()
    builds = Builds(args.confdir.resolve(), args.handbook.resolve(), args.deck.resolve(), builddir / "serve",
                    builddir / "doctrees" / "serve", args.deck_path)
    try:
        check_port(args.host, args.port)
        import uvicorn

        print(f"[serve] building the deck and the handbook into {builds.out}", flush=True)
        builds.run()
        app = make_app(builds)
        print(f"[serve] handbook: http://{args.host}:{args.port}/\n"
              f"[serve] deck:     http://{args.host}:{args.port}/{args.deck_path}/index.html\n"
              f"[serve] watching {', '.join(str(p) for p in builds.watched)}; Ctrl+C stops", flush=True)
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    except ServeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
