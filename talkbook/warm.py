"""The warm build helper: Sphinx imported once, every build a fresh fork of it.

Most of a rebuild after a small edit is not building: it is starting Python and
importing Sphinx, docutils, myst-parser, furo, sphinx-revealjs, Pygments and
Jinja2, a third of a second for each of the two builds. ``make`` therefore
leaves a helper process behind, like Gradle's daemon: it has imported that code
and does nothing else. The next ``python -m talkbook.build --warm DIR ...``
hands its command line, folder, environment and terminal to the helper, which
forks a child to run the builds exactly as the command would have run them
(same code, same messages, same exit code) and reports the exit code back.

What is kept warm is imported code only. No Sphinx application, environment or
configuration outlives a build: each one starts from a fork of the idle helper,
reads conf.py again and finds its pickled environment on disk, as a new process
would. The helper stops being used, and exits, when:

- any module it has imported changed on disk (our extension, conf.py's
  extensions, an upgraded package): that request is built the ordinary way,
  and a new helper is started with the new code;
- the Python, the project folder or Python's environment variables of the
  request differ from its own;
- its pointer file, ``DIR/server.json``, is gone or names another helper
  (``make clean`` removes it with the build folder);
- it has been idle for ``TALKBOOK_WARM_IDLE`` seconds (900 unless set).

``TALKBOOK_WARM=0`` turns the helper off; ``TALKBOOK_WARM=1`` turns it on.
Unset, it is on, except when ``CI`` is set: a CI job builds once, and a process
left behind would only hold memory.

The helper writes what it does to ``DIR/server.log``. Its socket is in a folder
only this user may enter (``$XDG_RUNTIME_DIR`` or the temporary folder).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import select
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

SWITCH = "TALKBOOK_WARM"
IDLE = "TALKBOOK_WARM_IDLE"
DEFAULT_IDLE_SECONDS = 900.0
POINTER = "server.json"
LOG = "server.log"
#: How the log starts the line about each build the helper ran.
SERVED = "built in "
#: Module lists recorded by builds that ran without the helper: what it imports.
RECORD_GLOB = "modules-*.json"
PROTOCOL = 1
#: Never imported ahead: running them is their import.
NOT_PRELOADED = ("__main__", "__mp_main__", "this", "antigravity")
#: Environment variables that change how Python itself starts: part of the key.
KEY_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE")


def enabled(environ: os._Environ | dict = os.environ) -> bool:
    value = environ.get(SWITCH, "").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    return not environ.get("CI")


def key() -> str:
    """What the helper and a request must share: the Python, the project, Python's settings."""
    import talkbook

    parts = {
        "python": os.path.realpath(sys.executable),
        "version": sys.version,
        "project": os.path.realpath(os.getcwd()),
        "talkbook": os.path.realpath(os.path.dirname(talkbook.__file__)),
        "path": [os.path.realpath(p) if p else "" for p in sys.path],
        "environment": sorted((k, v) for k, v in os.environ.items() if k.startswith("PYTHON") or k in KEY_VARIABLES),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def read_pointer(warm_dir: Path) -> dict | None:
    try:
        pointer = json.loads((warm_dir / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return pointer if isinstance(pointer, dict) else None


def served_builds(warm_dir: Path) -> list[str]:
    """The lines of the helper's log about builds it ran (each ends with its exit code and command)."""
    try:
        lines = (warm_dir / LOG).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line for line in lines if SERVED in line]


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def socket_dir() -> Path:
    """A folder for sockets that only this user may enter (created when missing)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"talkbook-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not folder.is_dir() or folder.is_symlink():
        raise OSError(f"{folder} is not a private folder of this user")
    return folder


# -- the client: python -m talkbook.build --warm DIR --------------------------------


def _read_message(stream) -> dict | None:
    line = stream.readline()
    try:
        message = json.loads(line) if line.endswith(b"\n") else None
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def build_through_helper(warm_dir: Path, args: list[str]) -> int | None:
    """Run ``talkbook.build`` *args* in the helper; its exit code, or None to build here.

    None means that no helper took the request: none is ready, it is stale,
    or it went away before starting. Once the helper has started the builds,
    their exit code is the answer, whatever it is; if the helper is killed
    during them, the answer is a failure that says to run make again (building
    here at once could race with what the helper left running).
    """
    pointer = read_pointer(warm_dir)
    if not pointer or pointer.get("state") != "ready" or not isinstance(pointer.get("socket"), str):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    started = False
    try:
        sock.connect(pointer["socket"])
        request = {
            "protocol": PROTOCOL,
            "key": key(),
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "umask": _umask(),
            "args": args,
            "encodings": [sys.stdout.encoding or "utf-8", sys.stderr.encoding or "utf-8"],
        }
        sys.stdout.flush()
        sys.stderr.flush()
        data = json.dumps(request).encode() + b"\n"
        sent = socket.send_fds(sock, [data], [1, 2])  # our stdout and stderr go with the request
        sock.sendall(data[sent:])
        with sock.makefile("rb") as stream:
            reply = _read_message(stream)
            if not reply or reply.get("status") != "started":
                return None
            started = True
            done = _read_message(stream)
    except OSError:
        if not started:
            return None
        done = None
    finally:
        sock.close()
    if not done or done.get("status") != "done" or not isinstance(done.get("code"), int):
        # The helper was killed during the builds: stop what it left running,
        # which would go on writing the outputs and to our terminal.
        job = reply.get("pid")
        if isinstance(job, int) and job > 1:
            try:
                os.killpg(job, signal.SIGTERM)
            except OSError:
                pass
        print(f"error: the warm build helper ({warm_dir}) stopped during the build.\n"
              "    -> what to do: run make again; TALKBOOK_WARM=0 builds without the helper.", file=sys.stderr)
        return 1
    return done["code"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def start_helper(warm_dir: Path) -> None:
    """Start a helper for *warm_dir* in the background, unless one is there or starting."""
    pointer = read_pointer(warm_dir)
    if pointer and _alive(pointer.get("pid")) and pointer.get("state") in ("starting", "ready"):
        return
    import subprocess

    warm_dir.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.Popen(  # noqa: S603 - our own module, with our own Python
            [sys.executable, "-m", "talkbook.warm", "--dir", str(warm_dir.resolve())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )
    except OSError:
        pass  # no helper: the next build is an ordinary one


def record_modules(warm_dir: Path) -> None:
    """Write down the modules this build imported: a helper started later imports them."""
    names = sorted(name for name, module in list(sys.modules.items()) if getattr(module, "__file__", None))
    try:
        warm_dir.mkdir(parents=True, exist_ok=True)
        target = warm_dir / f"modules-{os.getpid()}.json"
        target.write_text(json.dumps(names), encoding="utf-8")
    except OSError:
        pass


# -- the helper: python -m talkbook.warm --dir DIR ----------------------------------


class Helper:
    def __init__(self, warm_dir: Path, idle: float, run: Callable[[list[str]], int]) -> None:
        self.dir = warm_dir
        self.idle = idle
        self.run = run
        self.pid = os.getpid()
        self.key = key()
        self.socket_path = str(socket_dir() / f"{secrets.token_hex(8)}.sock")
        self.listener: socket.socket | None = None
        self.jobs: dict[int, tuple[socket.socket, float, list[str]]] = {}
        self.pidfds: dict[int, int] = {}
        self.stats: dict[str, tuple[int, int]] = {}
        self.last_used = time.monotonic()
        self.leaving = ""

    # -- bookkeeping --

    def log(self, message: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        try:
            with open(self.dir / LOG, "a", encoding="utf-8") as handle:
                handle.write(f"{stamp} [{self.pid}] {message}\n")
        except OSError:
            pass

    def trim_log(self, keep_lines: int = 200, over_bytes: int = 256 * 1024) -> None:
        path = self.dir / LOG
        try:
            if path.stat().st_size > over_bytes:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
                path.write_text("".join(lines[-keep_lines:]), encoding="utf-8")
        except OSError:
            pass

    def write_pointer(self, state: str) -> None:
        data = {"pid": self.pid, "socket": self.socket_path, "state": state, "protocol": PROTOCOL}
        temporary = self.dir / f".{POINTER}.{self.pid}"
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, self.dir / POINTER)

    def pointer_is_mine(self) -> bool:
        pointer = read_pointer(self.dir)
        return bool(pointer) and pointer.get("pid") == self.pid and pointer.get("socket") == self.socket_path

    def snapshot(self) -> None:
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if isinstance(path, str) and path not in self.stats:
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                self.stats[path] = (info.st_mtime_ns, info.st_size)

    def changed_module(self) -> str | None:
        for path, (mtime, size) in self.stats.items():
            try:
                info = os.stat(path)
            except OSError:
                return path
            if (info.st_mtime_ns, info.st_size) != (mtime, size):
                return path
        return None

    # -- start --

    def preload(self) -> int:
        """Import Sphinx and what earlier builds imported; the number of modules imported."""
        import importlib

        from talkbook.build import preload_sphinx

        preload_sphinx()
        names: set[str] = set()
        for record in sorted(self.dir.glob(RECORD_GLOB)):
            try:
                names.update(n for n in json.loads(record.read_text(encoding="utf-8")) if isinstance(n, str))
                record.unlink()  # read once: the next records come from the next ordinary build
            except (OSError, ValueError):
                pass
        for name in sorted(names):
            if name in sys.modules or name.split(".")[-1] in NOT_PRELOADED or name.split(".")[0] in NOT_PRELOADED:
                continue
            try:
                importlib.import_module(name)
            except BaseException:  # noqa: BLE001 - a build imports it itself, or reports why not
                pass
        return len(sys.modules)

    def start(self) -> bool:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.trim_log()
        self.write_pointer("starting")
        self.log(f"starting for {os.getcwd()}")
        started = time.perf_counter()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.socket_path)
        os.chmod(self.socket_path, 0o600)
        listener.listen(8)
        listener.setblocking(False)
        self.listener = listener
        count = self.preload()
        import threading

        if threading.active_count() != 1:
            self.log("an imported module started a thread: forking would not be safe; leaving")
            return False
        self.snapshot()
        if not self.pointer_is_mine():
            self.log("another helper took over while this one started; leaving")
            return False
        self.write_pointer("ready")
        self.last_used = time.monotonic()  # idle from now on, not from the start
        self.log(f"ready in {time.perf_counter() - started:.2f} s, {count} modules imported")
        return True

    # -- requests --

    def accept(self) -> None:
        assert self.listener is not None
        try:
            conn, _ = self.listener.accept()
        except BlockingIOError:
            return
        conn.setblocking(True)
        conn.settimeout(10)
        fds: list[int] = []
        try:
            request, fds = self.receive(conn)
            reason = self.refusal(request)
            if reason:
                conn.sendall(b'{"status": "stale"}\n')
                # Leave, so that the next build starts a helper that fits it.
                self.log(f"request not taken: {reason}")
                self.leaving = f"a request it could not take ({reason})"
                conn.close()
                return
            pid = self.fork_job(request, fds, conn)
            try:
                conn.sendall(json.dumps({"status": "started", "pid": pid}).encode() + b"\n")
            except OSError:
                os.killpg(pid, signal.SIGTERM)  # the client is gone already; reaped below
                self.jobs[pid] = (conn, time.perf_counter(), request["args"])
                return
        except (OSError, ValueError, KeyError, TypeError) as err:
            self.log(f"bad request: {err}")
            conn.close()
            return
        finally:
            for fd in fds:
                os.close(fd)
        conn.settimeout(None)
        self.jobs[pid] = (conn, time.perf_counter(), request["args"])
        if hasattr(os, "pidfd_open"):
            try:
                self.pidfds[pid] = os.pidfd_open(pid)
            except OSError:
                pass

    def receive(self, conn: socket.socket) -> tuple[dict, list[int]]:
        data, fds = b"", []
        while not data.endswith(b"\n"):
            chunk, more, _flags, _addr = socket.recv_fds(conn, 1 << 20, 2)
            fds.extend(more)
            if not chunk:
                raise ValueError("the request ended early")
            data += chunk
        if len(fds) != 2:
            raise ValueError("the request came without its output streams")
        return json.loads(data), fds

    def refusal(self, request: dict) -> str:
        if request.get("protocol") != PROTOCOL:
            return "another protocol"
        if request.get("key") != self.key:
            return "another Python, project or Python environment"
        changed = self.changed_module()
        if changed:
            return f"changed on disk since it was imported: {changed}"
        return ""

    def fork_job(self, request: dict, fds: list[int], conn: socket.socket) -> int:
        args = [str(a) for a in request["args"]]
        env = {str(k): str(v) for k, v in request["env"].items()}
        pid = os.fork()
        if pid == 0:
            from talkbook.build import exit_child

            exit_child(lambda: self.job(request, fds, conn, args, env))
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # the child did it first
        return pid

    def job(self, request: dict, fds: list[int], conn: socket.socket, args: list[str], env: dict[str, str]) -> int:
        """In the forked child: become the client's build, in its folder, environment and terminal."""
        os.setpgid(0, 0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for held in (self.listener, conn, *(job[0] for job in self.jobs.values())):
            if held is not None:
                held.close()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        out_encoding, err_encoding = request["encodings"]
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding=out_encoding, errors="replace", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding=err_encoding, errors="backslashreplace", closefd=False)  # noqa: SIM115
        os.environ.clear()
        os.environ.update(env)
        tempfile.tempdir = None
        os.umask(int(request["umask"]))
        try:
            os.chdir(request["cwd"])
        except OSError as err:
            print(f"error: the warm build helper could not enter {request['cwd']}: {err.strerror}\n"
                  "    -> what to do: run make again from the project's folder.", file=sys.stderr)
            return 2
        return self.run(args)

    def reap(self) -> None:
        for pid in list(self.jobs):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 1 << 8
            if not done:
                continue
            conn, started, args = self.jobs.pop(pid)
            if pid in self.pidfds:
                os.close(self.pidfds.pop(pid))
            code = os.waitstatus_to_exitcode(status)
            if code < 0:
                code = 128 - code  # killed by a signal: as a shell would say it
            try:
                conn.sendall(json.dumps({"status": "done", "code": code}).encode() + b"\n")
            except OSError:
                pass
            conn.close()
            self.last_used = time.monotonic()
            self.log(f"{SERVED}{time.perf_counter() - started:.2f} s, exit {code}: {' '.join(args)}")

    def abandoned(self, conn: socket.socket) -> None:
        """A client went away (Ctrl-C) during its builds: stop them."""
        for pid, (job_conn, _, _) in self.jobs.items():
            if job_conn is conn:
                self.log(f"the client went away: stopping build {pid}")
                try:
                    os.killpg(pid, signal.SIGTERM)
                except OSError:
                    pass

    # -- the loop --

    def serve(self) -> None:
        assert self.listener is not None
        while not self.leaving:
            # A build's end wakes the loop through its pidfd (Linux); elsewhere, the timeout does.
            watched = [self.listener, *(conn for conn, _, _ in self.jobs.values()), *self.pidfds.values()]
            try:
                readable, _, _ = select.select(watched, [], [], 0.5 if self.pidfds or not self.jobs else 0.05)
            except InterruptedError:
                readable = []
            self.reap()
            for ready in readable:
                if isinstance(ready, int):
                    continue  # a pidfd: reaped above
                if ready is self.listener:
                    self.accept()
                else:
                    try:
                        gone = ready.recv(1, socket.MSG_PEEK) == b""
                    except OSError:
                        gone = True
                    if gone:
                        self.abandoned(ready)
            if not self.pointer_is_mine():
                self.leaving = "its pointer file is gone or names another helper"
            elif not self.jobs and time.monotonic() - self.last_used > self.idle:
                self.leaving = f"idle for {self.idle:.0f} s"
        while self.jobs:  # let running builds finish
            self.reap()
            time.sleep(0.05)

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.close()
        try:
            os.unlink(self.socket_path)
        except OSError:
            pass
        if self.pointer_is_mine():
            try:
                (self.dir / POINTER).unlink()
            except OSError:
                pass
        self.log(f"leaving: {self.leaving or 'stopped'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The warm build helper (started by python -m talkbook.build --warm).")
    parser.add_argument("--dir", type=Path, required=True, help="its folder: pointer file, log, module records")
    args = parser.parse_args(argv)
    try:
        idle = float(os.environ.get(IDLE, DEFAULT_IDLE_SECONDS))
    except ValueError:
        idle = DEFAULT_IDLE_SECONDS
    from talkbook.build import run_builds

    helper = Helper(args.dir, idle, run_builds)

    def leave(signum, _frame) -> None:
        helper.leaving = f"signal {signum}"

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if helper.start():
            helper.serve()
    except OSError as err:
        helper.leaving = f"error: {err}"
    finally:
        helper.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
