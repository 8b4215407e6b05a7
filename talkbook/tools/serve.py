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

It is long-lived, so it does what ``make`` cannot: builds start with
Sphinx, the theme and the other extensions imported already. The first
builds run in new interpreters (multiprocessing's ``spawn``) and say what
they imported; the builds that follow are forked by multiprocessing's
``forkserver``, a process that imported all of it once and never runs a
build or a thread itself, so that nothing is forked from the server, whose
threads serve pages and watch files. A build's process is thrown away after
its build: no state outlives a build. The extension itself is imported
afresh in each, so an edit to it is used by the next build (and, its
``env_version`` changed, every page is read again). The preview's search
index skips the fresh rebuild that ``make`` does
(``talkbook_fresh_search_index``): searches find the same pages.

Warnings do not stop the preview (no ``-W``): you see the page while you
fix what the strict ``make`` refuses. What a build says is printed as
``make`` prints it (:func:`talkbook.tools.build.explain`: the file, the line
and what to do, never a traceback), and every open page shows it in a box
at its foot until a build says nothing. A build that stops keeps the last
good output on the server.

Requests for a path that is not a file of the preview (``/%00``, ``..``, a
name too long for the file system) get 404.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import html
import io
import multiprocessing
import shutil
import socket
import sys
import time
from pathlib import Path

from talkbook.tools.build import FAILED, WARNING_LINE, explain

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
#: The box at the foot of every page while the last build said something (its id: PROBLEMS_ID).
PROBLEMS_ID = "talkbook-problems"
_PROBLEMS_STYLE = ("position:fixed;left:0;right:0;bottom:0;max-height:45vh;overflow:auto;z-index:2147483647;"
                   "margin:0;padding:0.8em 1.2em;background:#fff4f4;color:#5c0011;border-top:4px solid #c00;"
                   "font:14px/1.45 ui-monospace,monospace;white-space:pre-wrap;text-align:left")
#: A request path longer than this is no file of the preview.
MAX_PATH = 1024


class ServeError(Exception):
    """A problem the person running the preview can fix; printed without traceback."""


def _ours(module: str) -> bool:
    return module == "talkbook" or module.startswith("talkbook.")


def _run_sphinx(argv: list[str], report, list_modules: bool) -> None:
    """In a build's own process: one build, with the extension imported afresh.

    It sends back what Sphinx said (its warnings, or the report of a crash),
    its exit code, and, if asked, the modules the build imported.
    """
    for name in [m for m in sys.modules if _ours(m)]:
        del sys.modules[name]
    said = io.StringIO()
    sys.stderr = said  # Sphinx writes its warnings to sys.stderr as it finds it
    try:
        from sphinx.cmd.build import main

        code = main(argv)
    except BaseException as err:  # noqa: BLE001 - told to the server, which says it plainly
        said.write(f"\nerror: the build stopped: {err!r}\n")
        code = 2
    report.send((said.getvalue(), code, sorted(sys.modules) if list_modules else []))


def _problem(line: str) -> bool:
    """Whether a line Sphinx wrote is a warning (or what to do about one)."""
    return bool(WARNING_LINE.match(line)) or line.startswith(("WARNING:", "ERROR:", "    -> what to do:"))


def _nothing() -> None:
    """A process that does nothing: it starts the fork server."""


def _preloadable(module: str) -> bool:
    return not _ours(module) and not module.startswith("__")


class Builds:
    """The deck's and the handbook's builds, into the served folder."""

    def __init__(self, confdir: Path, handbook: Path, deck: Path, out: Path, doctrees: Path,
                 deck_path: str) -> None:
        self.out = out
        self.doctrees = {"deck": doctrees / "deck", "handbook": doctrees / "html"}
        common = ["-q", "--keep-going", "-n", "-c", str(confdir), "-D", "talkbook_fresh_search_index=0"]
        self.commands = {
            "deck": ["-b", "revealjs", "-d", str(self.doctrees["deck"]), *common, str(deck), str(out / deck_path)],
            "handbook": ["-b", "html", "-d", str(self.doctrees["handbook"]), *common, str(handbook), str(out)],
        }
        self.watched = [path for path in (confdir / "conf.py", handbook, deck, confdir / "_templates",
                                          confdir / "_static", ROOT / "talkbook") if path.exists()]
        #: What the last builds said that make would refuse, as shown on the open pages.
        self.problems: list[str] = []
        self.forks = None  # the fork server, once the first builds said what to import
        if any((folder / FAILED).exists() for folder in self.doctrees.values()):
            # The last preview stopped half way through a build: start it afresh.
            shutil.rmtree(out, ignore_errors=True)
            for folder in self.doctrees.values():
                shutil.rmtree(folder, ignore_errors=True)

    def _start(self, name: str, argv: list[str]):
        context = self.forks or multiprocessing.get_context("spawn")
        mark = self.doctrees[name] / FAILED
        if mark.exists():
            # The last build of this side stopped: read every page again.
            for child in self.doctrees[name].iterdir():
                if child != mark:
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_run_sphinx, args=(argv, send, self.forks is None), name=f"build-{name}")
        child.start()
        send.close()
        return child, receive

    def run(self) -> bool:
        """Both builds, side by side; whether both succeeded without a word."""
        started = time.monotonic()
        children = {name: self._start(name, argv) for name, argv in self.commands.items()}
        problems: list[str] = []
        imported: set[str] = set()
        ok = True
        for name, (child, receive) in children.items():
            try:
                said, code, modules = receive.recv()
            except EOFError:  # the process ended before it could say
                said, code, modules = f"error: the {name} build stopped before it finished\n", 2, []
            child.join()
            imported.update(modules)
            shown, crashed = explain(said)
            shown = [line for line in shown if line.strip()]
            if code == 0:
                (self.doctrees[name] / FAILED).unlink(missing_ok=True)
            if shown:
                print("\n".join(shown), flush=True)
            found = shown if code != 0 or crashed else [line for line in shown if _problem(line)]
            problems += found
            if code != 0 or crashed:
                ok = False
                print(f"[serve] the {name} build stopped: the last good build is still served.", flush=True)
            elif found:
                ok = False
                print(f"[serve] the {name} build has problems that make would stop on: they are shown "
                      "on the open pages too.", flush=True)
        self.problems = problems
        print(f"[serve] built in {time.monotonic() - started:.1f} s", flush=True)
        if self.forks is None:
            self._start_fork_server(imported)
        return ok

    def _start_fork_server(self, modules: set[str]) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(sorted(m for m in modules if _preloadable(m)))
        warm = context.Process(target=_nothing)  # the server starts now, not at the first edit
        warm.start()
        warm.join()
        self.forks = context


def problems_box(problems: list[str]) -> str:
    """The box that lists *problems* at the foot of a page ('' when there are none)."""
    if not problems:
        return ""
    lines = "\n".join(html.escape(line) for line in problems)
    return (f'<pre id="{PROBLEMS_ID}" role="alert" style="{_PROBLEMS_STYLE}"><strong>The last build found '
            f"problems: make would stop on them.</strong>\n{lines}</pre>")


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

    not_found = PlainTextResponse("Not found", status_code=404)

    def file_of(relative: str) -> Path | None:
        """The served file that *relative* names, or None (never an error)."""
        if len(relative) > MAX_PATH or "\x00" in relative:
            return None
        try:
            path = (root / relative).resolve()
            if path != root and root not in path.parents:
                return None
            if path.is_dir():
                path = path / "index.html"
            return path if path.is_file() else None
        except (OSError, ValueError):  # a name too long, or that the file system cannot hold
            return None

    async def page(request):
        relative = request.path_params["path"]
        path = file_of(relative)
        if path is None:
            return not_found
        if path.name == "index.html" and relative and not relative.endswith(("/", "index.html")):
            return RedirectResponse(request.url.path + "/")
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8", errors="replace")
            added = RELOAD_SCRIPT + problems_box(builds.problems)
            end = text.rfind("</body>")
            text = text[:end] + added + text[end:] if end >= 0 else text + added
            return HTMLResponse(text, headers={"Cache-Control": "no-store"})
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
            try:
                await asyncio.to_thread(builds.run)
            except OSError as err:  # the build folder cannot be written, say
                print(f"[serve] error: {err}", flush=True)
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


def listen(host: str, port: int) -> socket.socket:
    """The preview's socket, bound and listening before the URLs are printed.

    A request made as soon as the URLs show waits in the socket's queue until
    uvicorn serves it, and no other program can take the port in between.
    """
    if not 0 < port < 65536:
        raise ServeError(f"port {port} is not a port number: use 1 to 65535, e.g. PORT=8000")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is in use: pick another, e.g. make serve PORT={port + 1}") from None
        raise ServeError(f"cannot serve on {host}:{port}: {err.strerror}") from None
    return sock


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
        with listen(args.host, args.port) as sock:
            import uvicorn

            print(f"[serve] building the deck and the handbook into {builds.out}", flush=True)
            builds.run()
            app = make_app(builds)
            print(f"[serve] handbook: http://{args.host}:{args.port}/\n"
                  f"[serve] deck:     http://{args.host}:{args.port}/{args.deck_path}/index.html\n"
                  f"[serve] watching {', '.join(str(p) for p in builds.watched)}; Ctrl+C stops", flush=True)
            uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
    except ServeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
