"""The warm build helper (talkbook/warm.py): the same builds, messages and bytes, sooner.

Every test runs the real ``make`` on a copy of the project with
TALKBOOK_WARM=1 (the suite sets it to 0 elsewhere, and CI would turn it off),
and judges by what a user sees (outputs, messages, exit codes) and by the
helper's own log and pointer file. No timing here: bench/build.py measures it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO
from talkbook import warm
from test_bad_input import apply_case, copy_project, problems

FRAGMENT = "source/_shared/why-python.md"
NAME = "get-a-python-job"


def make(project: Path, builddir: Path | None = None, *, on: bool = True, **env: str) -> subprocess.CompletedProcess:
    builddir = builddir or project / "_build"
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), "all", f"VENVDIR={REPO / '.venv'}",
         f"BUILDDIR={builddir}", "SOURCE_DATE_EPOCH=1700000000"],
        capture_output=True, text=True,
        env={**os.environ, "TALKBOOK_WARM": "1" if on else "0", "TALKBOOK_WARM_IDLE": "120", **env},
    )


def pointer(project: Path) -> dict | None:
    return warm.read_pointer(project / "_build" / ".warm")


def log(project: Path) -> list[str]:
    path = project / "_build" / ".warm" / warm.LOG
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def builds_served(project: Path) -> list[str]:
    return warm.served_builds(project / "_build" / ".warm")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) is gone for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True


def wait_for(condition, what: str, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"after {seconds:.0f} s: {what}")


def ready_helper(project: Path) -> int:
    found = wait_for(lambda: (p := pointer(project)) and p.get("state") == "ready" and p,
                     f"no helper ready; its log:\n" + "\n".join(log(project)))
    return found["pid"]


def edit_fragment(project: Path, line: str) -> None:
    with open(project / FRAGMENT, "a", encoding="utf-8") as handle:
        handle.write(f"\n- {line}\n")


def start_hanging_build(project: Path, helper: int, **popen) -> tuple[subprocess.Popen, str, list[str]]:
    """make, with conf.py made to hang (it runs afresh in each build): make, the helper's job, its builds."""
    with open(project / "conf.py", "a", encoding="utf-8") as conf:
        conf.write("\nimport time\ntime.sleep(120)\n")
    client = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(project), "all", f"VENVDIR={REPO / '.venv'}",
         f"BUILDDIR={project / '_build'}"],
        env={**os.environ, "TALKBOOK_WARM": "1"}, **popen,
    )
    children = Path(f"/proc/{helper}/task/{helper}/children")
    job = wait_for(lambda: children.read_text().split(), "the helper started no build")[0]
    builds = wait_for(lambda: Path(f"/proc/{job}/task/{job}/children").read_text().split(), "no forked build")
    return client, job, builds


def digest(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path):
    """A copy of the project, built once with the helper on; its helper is stopped afterwards."""
    root = copy_project(tmp_path / "project")
    first = make(root)
    assert first.returncode == 0, first.stderr
    yield root
    # Every helper of this test's folders, ready or still starting: none outlives the test.
    for pid in helpers_under(tmp_path):
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not alive(pid), f"helper {pid} ignored SIGTERM", seconds=10)


def helpers_under(folder: Path) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"talkbook.warm" in args and any(a.startswith(str(folder).encode()) for a in args):
            found.append(int(proc.name))
    return found


def test_the_switch():
    assert warm.enabled({})
    assert not warm.enabled({"TALKBOOK_WARM": "0"})
    assert not warm.enabled({"CI": "true"})  # a CI job builds once: no process left behind
    assert warm.enabled({"CI": "true", "TALKBOOK_WARM": "1"})


def test_a_rebuild_runs_in_the_helper_and_gives_the_same_bytes(project, tmp_path):
    ready_helper(project)
    assert builds_served(project) == []  # the first build ran the ordinary way
    marker = "Warm edit seen in both outputs"
    edit_fragment(project, marker)
    result = make(project)
    assert result.returncode == 0, result.stderr
    assert len(builds_served(project)) == 1 and "exit 0" in builds_served(project)[0]
    site = project / "_build" / "site"
    assert marker in (site / "slides" / "index.html").read_text(encoding="utf-8")
    assert any(marker in p.read_text(encoding="utf-8") for p in site.rglob("*.html") if "slides" not in p.parts)
    # The same sources built without the helper, from scratch: the same site, the same download.
    cold = tmp_path / "cold"
    assert make(project, cold, on=False).returncode == 0
    assert digest(cold / "site") == digest(site)
    assert (cold / "dist" / f"{NAME}.zip").read_bytes() == (project / "_build" / "dist" / f"{NAME}.zip").read_bytes()


def test_a_broken_source_gets_the_same_message_and_exit_code(project, tmp_path):
    ready_helper(project)
    apply_case(project, "broken-xref")
    served = make(project)
    assert builds_served(project) and "exit 0" not in builds_served(project)[-1]
    ordinary = make(project, tmp_path / "ordinary", on=False)
    assert served.returncode == ordinary.returncode != 0
    assert "Traceback" not in served.stderr
    assert problems(served.stderr) == problems(ordinary.stderr) and len(problems(served.stderr)) == 1
    assert "what to do" in served.stderr


def test_changed_code_is_never_used_warm(project):
    first = ready_helper(project)
    with open(project / "talkbook" / "markers.py", "a", encoding="utf-8") as handle:
        handle.write("\n# changed after the helper imported it\n")
    result = make(project)
    assert result.returncode == 0, result.stderr
    assert builds_served(project) == []  # built the ordinary way, with the new code
    assert any("request not taken: changed on disk" in line and "talkbook/markers.py" in line for line in log(project))
    wait_for(lambda: not alive(first), "the stale helper is still running")
    assert ready_helper(project) != first  # a new helper, with the new code, for next time


def test_another_python_environment_is_not_served(project):
    first = ready_helper(project)
    edit_fragment(project, "One more line")
    result = make(project, PYTHONHASHSEED="7")
    assert result.returncode == 0, result.stderr
    assert builds_served(project) == []
    assert any("request not taken: another Python, project or Python environment" in l for l in log(project))
    wait_for(lambda: not alive(first), "the helper that could not serve is still running")


def test_the_helper_leaves_with_its_build_folder(project):
    pid = ready_helper(project)
    socket_path = pointer(project)["socket"]
    shutil.rmtree(project / "_build")
    wait_for(lambda: not alive(pid), "the helper outlived its build folder", seconds=10)
    assert not Path(socket_path).exists()


def test_the_helper_leaves_on_sigterm_and_when_idle(project):
    pid = ready_helper(project)
    os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not alive(pid), "the helper ignored SIGTERM", seconds=10)
    # Started again with a short idle time, it goes by itself.
    edit_fragment(project, "A line that makes make build")
    result = make(project, TALKBOOK_WARM_IDLE="1")
    assert result.returncode == 0
    again = ready_helper(project)
    wait_for(lambda: not alive(again), "the idle helper did not leave", seconds=15)
    assert pointer(project) is None
    assert any("leaving: idle for 1 s" in line for line in log(project))


def test_ctrl_c_stops_the_builds_in_the_helper(project):
    pid = ready_helper(project)
    client, job, builds = start_hanging_build(project, pid, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                              start_new_session=True)
    os.killpg(client.pid, signal.SIGINT)  # what Ctrl-C does to make and its children
    client.wait(timeout=30)
    for other in [job, *builds]:
        wait_for(lambda: not alive(int(other)), f"build process {other} outlived its client", seconds=10)
    assert any("the client went away" in line for line in log(project))
    assert alive(pid)  # the helper itself stays, for the next build


def test_a_helper_killed_during_the_builds_takes_them_along_and_make_says_so(project):
    pid = ready_helper(project)
    client, job, builds = start_hanging_build(project, pid, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.kill(pid, signal.SIGKILL)
    # The pipes close when every process holding them is gone: the builds too.
    _, stderr = client.communicate(timeout=60)
    assert client.returncode != 0
    assert "the warm build helper" in stderr and "stopped during the build" in stderr
    assert "what to do: run make again" in stderr and "Traceback" not in stderr
    for other in [job, *builds]:  # closing its files is not quite the end of a process
        wait_for(lambda: not alive(int(other)), f"build process {other} outlived the helper", seconds=10)
