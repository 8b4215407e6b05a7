"""python -m talkbook.tools.gitstats on small repositories that the tests make with git.

Every commit of the test history is written down once (``ALPHA``, ``BETA``):
its date, its author, the files it writes. The expected figures are worked
out from that list, by the rules of the tool's manual, never copied from the
tool's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from machinery.support import REPO
from talkbook.tools import gitstats

UTC = dt.timezone.utc

# Who the test's people are: the key is the person, whatever identity they commit with.
ANN = ("ann", "Ann Author", "ann@example.org")
ANN_OTHER_CASE = ("ann", "Ann A.", "Ann@Example.ORG")
BOB = ("bob", "Bob Builder", "bob@example.org")
BOB_OLD_ADDRESS = ("bob", "bobby", "Bobby@Old.Example")   # merged by the .mailmap, in another case
BOB_CAPITALS = ("bob", "Bob Builder", "BOB@example.org")  # the same address, in capitals
CAROL = ("carol", "Carol Coder", "carol@example.org")
DANA = ("dana", "Dana Doe", "dana@example.org")            # her clock was ten years late
EVE = ("eve", "Eve Everyone", "eve@example.org")
BOT = ("bot", "OpenStack Proposal Bot", "openstack-infra@lists.openstack.org")
BOT_OLD_NAME = ("bot", "Proposal Robot", "proposals@infra.example")  # the bot, once the .mailmap has spoken
MERGER = ("merger", "Mergy McMerge", "merger@example.org")  # only ever merges

MAILMAP = ("Bob Builder <bob@example.org> <bobby@old.example>\n"
           "OpenStack Proposal Bot <openstack-infra@lists.openstack.org> <proposals@infra.example>\n")


@dataclass
class Step:
    """A commit: *files* maps a path to its number of lines (None deletes it; ``("nonl", n)``: n
    lines, the last without a newline; ``("symlink", target)``: a symbolic link)."""

    author: tuple[str, str, str]
    date: str
    files: dict = field(default_factory=dict)
    committed: str | None = None   # the committer date, if not the author date
    branch: str = "main"
    merge: str | None = None       # a merge of that branch (no-ff), by *author*
    wrong_date: bool = False       # the test's own knowledge that this date is a mistake


ALPHA = [
    Step(ANN, "2011-01-10T12:00:00+00:00", {".mailmap": MAILMAP, "pkg/__init__.py": 3, "setup.py": ("nonl", 2),
                                            "README.txt": 5, "pkg/old.py": 4}),
    Step(BOB, "2011-02-03T09:00:00+01:00", {"pkg/sub/mod.py": 10}),
    Step(BOB_OLD_ADDRESS, "2011-02-10T10:00:00+00:00", {"pkg/sub/mod.py": 12}),
    Step(BOB_CAPITALS, "2011-02-15T10:00:00+00:00", {"doc/notes.md": 3, "tools/x.py.txt": 2, "bin/happy": 4,
                                                    "pkg/sub/deep/d.py": 1}),
    Step(BOT, "2011-02-20T10:00:00+00:00", {"pkg/locale.py": 6}),
    Step(BOT_OLD_NAME, "2011-02-21T10:00:00+00:00", {"pkg/locale.py": 7}),
    # On a branch: written on February 28th in New York, which is March 1st in UTC; committed
    # after main's last commit of March, merged in April: not in the tree of April 1st.
    Step(CAROL, "2011-02-28T23:30:00-05:00", {"feature/carol.py": 7}, committed="2011-03-25T10:00:00+00:00",
         branch="feature"),
    Step(ANN, "2011-03-20T10:00:00+00:00", {"pkg/__init__.py": 5}),
    Step(MERGER, "2011-04-10T10:00:00+00:00", merge="feature"),
    Step(DANA, "2001-05-02T10:00:00+00:00", {"pkg/old.py": None, "alias.py": ("symlink", "setup.py")},
         committed="2011-05-02T10:00:00+00:00", wrong_date=True),
    Step(ANN, "2011-05-20T10:00:00+00:00", {"README.txt": 6}),
    Step(ANN, "2011-07-01T15:00:00+00:00", {"pkg/late.py": 2}),     # on the 1st: in that quarter
    Step(CAROL, "2011-07-02T00:30:00+00:00", {"pkg/later.py": 3}),  # the day after: in the next
]

# Measured as a bare clone: its .mailmap is read from HEAD.
BETA = [
    Step(ANN_OTHER_CASE, "2011-05-15T10:00:00+00:00", {".mailmap": MAILMAP, "src/b.py": 8}),
    Step(EVE, "2011-06-01T10:00:00+00:00", {"src/c.py": 4, "src/c.txt": 9}),
    Step(BOB, "2011-06-10T10:00:00+00:00", {"src/c.py": 5}),
    Step(BOB_OLD_ADDRESS, "2011-06-12T10:00:00+00:00", {"src/b.py": 9}),
    Step(EVE, "2011-06-30T20:00:00+00:00", {"src/d.py": 2}),  # June in UTC, July east of +04:00
    Step(EVE, "2011-10-05T10:00:00+00:00", {"src/c.py": 6}),
]


def git_env(home: Path) -> dict[str, str]:
    """git with no configuration but the test's: another machine's settings change nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(home / "gitconfig"), GIT_CONFIG_NOSYSTEM="1")
    return env


def git(cwd: Path, *args: str, env: dict[str, str], **extra: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**env, **extra}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def make_repository(path: Path, steps: list[Step], env: dict[str, str]) -> list[str]:
    """A working copy with *steps*' history; the commit of each step."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main", env=env)
    shas = []
    for step in steps:
        _person, name, email = step.author
        dates = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": step.date,
                 "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
                 "GIT_COMMITTER_DATE": step.committed or step.date}
        if step.merge:
            git(path, "merge", "-q", "--no-ff", "-m", f"Merge {step.merge}", step.merge, env=env, **dates)
        else:
            if step.branch != git(path, "branch", "--show-current", env=env):
                exists = git(path, "branch", "--list", step.branch, env=env)
                git(path, "checkout", "-q", *(() if exists else ("-b",)), step.branch, env=env)
            for name_, content in step.files.items():
                write(path / name_, content)
            git(path, "add", "-A", env=env)
            git(path, "commit", "-q", "-m", f"step {len(shas)}", env=env, **dates)
            if step.branch != "main":
                git(path, "checkout", "-q", "main", env=env)
        shas.append(git(path, "rev-parse", "HEAD" if step.branch == "main" else step.branch, env=env))
    return shas


def write(path: Path, content) -> None:
    if content is None:
        path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, tuple) and content[0] == "symlink":
        os.symlink(content[1], path)
    elif isinstance(content, tuple):
        path.write_text("\n".join(f"value_{i} = {i}" for i in range(content[1])), encoding="utf-8")
    elif isinstance(content, int):
        path.write_text("".join(f"value_{i} = {i}\n" for i in range(content)), encoding="utf-8")
    else:
        path.write_text(content, encoding="utf-8")


# -- the expected figures, from the steps --------------------------------------

def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


def expected_authors(steps: list[Step]) -> dict[str, set[str]]:
    """Each month's people: merges and mistaken dates left out."""
    months: dict[str, set[str]] = {}
    for step in steps:
        if not step.merge and not step.wrong_date:
            months.setdefault(when(step.date).strftime("%Y-%m"), set()).add(step.author[0])
    return months


def per_month(months: list[str], repositories: dict[str, dict[str, set[str]]]) -> list[tuple[str, str, int]]:
    """The rows a file must have: (month, repository, how many) of each repository from its first month
    (0 in a month without any), then all, the union."""
    rows = []
    for month in months:
        union: set[str] = set()
        for name, found in repositories.items():
            if month >= min(found):
                rows.append((month, name, len(found.get(month, ()))))
                union |= found.get(month, set())
        rows.append((month, "all", len(union)))
    return rows


def mainline(steps: list[Step], shas: list[str]) -> list[tuple[dt.datetime, str, int]]:
    """(committer date, commit, python lines) of each commit of main, oldest first."""
    files: dict[str, dict] = {}
    branches: dict[str, dict] = {}  # what each branch but main changed, to merge
    states = []
    for step, sha in zip(steps, shas):
        changes = branches[step.merge] if step.merge else step.files
        if step.branch != "main":
            branches.setdefault(step.branch, {}).update(changes)
        else:
            for name, content in changes.items():
                if content is None:
                    files.pop(name)
                else:
                    files[name] = content
        if step.branch == "main":
            lines = sum(content if isinstance(content, int) else content[1]
                        for name, content in files.items()
                        if name.endswith(".py") and not (isinstance(content, tuple) and content[0] == "symlink"))
            states.append((when(step.committed or step.date), sha, lines))
    return states


def on_the_day(states, day: dt.date):
    """The last state of main committed on or before *day* (UTC), or None."""
    before = [state for state in states if state[0].date() <= day]
    return before[-1] if before else None


# -- the tests --------------------------------------------------------------------

def measure_with_main(root: Path, env: dict[str, str], repos: list[Path]) -> dict:
    """main() on *repos* (in this process, with the test's git settings): what it wrote into root/out."""
    out = root / "out"
    saved = {k: os.environ.get(k) for k in ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")}
    os.environ.update({k: env[k] for k in saved})
    try:
        code = gitstats.main(["--out", str(out), "--url-pattern", "https://git.example.org/{name}",
                              *map(str, repos)])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert code == 0

    def rows(name: str) -> list[dict]:
        with open(out / name, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    return {"root": root, "env": env, "out": out, "contributors": rows("contributors-per-month.csv"),
            "sizes": rows("code-size.csv"), "domains": rows("domains-per-month.csv"),
            "provenance": json.loads((out / "provenance.json").read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """alpha, a working copy, and beta, a bare clone, measured together by main()."""
    root = tmp_path_factory.mktemp("gitstats")
    env = git_env(root / "home")
    alpha_shas = make_repository(root / "alpha", ALPHA, env)
    beta_shas = make_repository(root / "beta-work", BETA, env)
    git(root, "clone", "-q", "--bare", "beta-work", "beta.git", env=env)
    return {**measure_with_main(root, env, [root / "alpha", root / "beta.git"]), "alpha": alpha_shas,
            "beta": beta_shas}


def test_the_files_have_their_headers(measured):
    out = measured["out"]
    assert (out / "contributors-per-month.csv").read_text(encoding="utf-8").splitlines()[0] == \
        "month,repository,authors"
    assert (out / "code-size.csv").read_text(encoding="utf-8").splitlines()[0] == \
        "date,repository,commit,python_lines"
    assert (out / "domains-per-month.csv").read_text(encoding="utf-8").splitlines()[0] == \
        "month,repository,domains"
    assert sorted(p.name for p in out.iterdir()) == ["code-size.csv", "contributors-per-month.csv",
                                                     "domains-per-month.csv", "provenance.json"]
    assert measured["provenance"]["files"] == ["contributors-per-month.csv", "code-size.csv",
                                               "domains-per-month.csv"]


def test_contributors_per_month_each_repository_and_their_union(measured):
    alpha, beta = expected_authors(ALPHA), expected_authors(BETA)
    last_commit = max(when(s.committed or s.date) for s in ALPHA + BETA)
    months = [f"{y}-{m:02d}" for y in (2010, 2011, 2012) for m in range(1, 13)]
    months = [m for m in months if min(alpha) <= m <= last_commit.strftime("%Y-%m")]
    got = [(row["month"], row["repository"], int(row["authors"])) for row in measured["contributors"]]
    assert got == per_month(months, {"alpha": alpha, "beta": beta})


def test_the_cases_the_rules_are_for(measured):
    rows = {(row["month"], row["repository"]): int(row["authors"]) for row in measured["contributors"]}
    # Bob's three identities (mailmap alias, an address in capitals) and the bot: two authors.
    assert rows["2011-02", "alpha"] == 2
    # Carol's commit of February 28th, 23:30 in New York, counts in March (UTC), with Ann's.
    assert rows["2011-03", "alpha"] == 2
    # April has only the merge commit.
    assert rows["2011-04", "alpha"] == 0
    # Ann in both repositories in May (in another case in beta): one author of all, not two.
    assert rows["2011-05", "alpha"] == rows["2011-05", "beta"] == rows["2011-05", "all"] == 1
    # In the bare clone too, the .mailmap makes Bob one author: Eve and Bob in June.
    assert rows["2011-06", "beta"] == 2
    # Dana's mistaken 2001 date makes no month of its own.
    assert min(month for month, _repo in rows) == "2011-01"


def test_code_size_per_quarter(measured):
    alpha, beta = mainline(ALPHA, measured["alpha"]), mainline(BETA, measured["beta"])
    last_commit = max(state[0] for state in alpha + beta).date()
    days = [dt.date(2011, month, 1) for month in (1, 4, 7, 10)]
    days = [day for day in days if alpha[0][0].date() <= day <= last_commit]
    expected = []
    for day in days:
        total = 0
        for name, states in (("alpha", alpha), ("beta", beta)):
            state = on_the_day(states, day)
            if state:
                expected.append((day.isoformat(), name, state[1], state[2]))
                total += state[2]
        expected.append((day.isoformat(), "all", "", total))
    got = [(row["date"], row["repository"], row["commit"], int(row["python_lines"])) for row in measured["sizes"]]
    assert got == expected
    # What that means here: beta has no row before it existed, the merge counts from its date, the
    # commit of July 1st counts on July 1st and the next day's does not.
    assert [row[0] for row in got if row[1] == "beta"] == ["2011-07-01", "2011-10-01"]
    assert [row[0] for row in got if row[1] == "alpha"] == ["2011-04-01", "2011-07-01", "2011-10-01"]
    july = {row[1]: row[3] for row in got if row[0] == "2011-07-01"}
    october = {row[1]: row[3] for row in got if row[0] == "2011-10-01"}
    assert october["alpha"] - july["alpha"] == 3  # pkg/later.py, committed on July 2nd


def test_provenance(measured):
    provenance, root = measured["provenance"], measured["root"]
    assert provenance["measured"] == dt.datetime.now(UTC).date().isoformat()
    assert provenance["git"].startswith("git version ")
    assert str(root / "beta.git") in provenance["command"]
    assert provenance["end"] == "2011-10-05T10:00:00Z"
    assert provenance["last_full_month"] == "2011-09"
    assert set(provenance["method"]) >= {"contributors", "code_size", "bots", "wrong_dates"}
    alpha, beta = provenance["repositories"]
    assert (alpha["name"], alpha["url"]) == ("alpha", "https://git.example.org/alpha")
    assert (beta["name"], beta["url"]) == ("beta", "https://git.example.org/beta")
    assert alpha["head"] == measured["alpha"][-1]
    assert beta["head"] == measured["beta"][-1]
    assert alpha["head_date"] == "2011-07-02T00:30:00Z"
    assert alpha["first_commit"] == measured["alpha"][0]
    assert alpha["first_commit_date"] == "2011-01-10T12:00:00Z"
    counted = [s for s in ALPHA if not s.merge and not s.wrong_date]
    assert alpha["commits_counted"] == len(counted)
    assert alpha["authors"] == len({s.author[0] for s in counted})
    bot = [s for s in ALPHA if s.author[0] == "bot"]
    assert alpha["bots"] == [{"name": BOT[1], "email": BOT[2], "commits": len(bot)}]
    assert beta["bots"] == []
    dana = [(sha, s) for sha, s in zip(measured["alpha"], ALPHA) if s.wrong_date]
    assert alpha["wrong_dates"] == [{"commit": sha, "author": s.author[1],
                                     "author_date": when(s.date).isoformat().replace("+00:00", "Z"),
                                     "committer_date": when(s.committed).isoformat().replace("+00:00", "Z")}
                                    for sha, s in dana]
    assert beta["wrong_dates"] == []


def test_names_and_addresses_from_the_command_line_or_the_clone(measured, tmp_path):
    root, env = measured["root"], measured["env"]
    # On a machine whose clock is 14 hours ahead of UTC, to show that months are UTC's.
    result = run_tool(["--out", str(tmp_path / "out"), f"first={root / 'alpha'}", str(root / "beta.git")],
                      {**env, "TZ": "<+14>-14"})
    assert result.returncode == 0, result.stderr
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text(encoding="utf-8"))
    # alpha has no remote: no address; the bare clone knows where it was cloned from.
    assert [(r["name"], r["url"]) for r in provenance["repositories"]] == \
        [("first", None), ("beta", str(root / "beta-work"))]
    with open(tmp_path / "out" / "contributors-per-month.csv", newline="", encoding="utf-8") as f:
        rows = [{**row, "repository": row["repository"].replace("first", "alpha")} for row in csv.DictReader(f)]
    assert rows == measured["contributors"]


# -- email domains ---------------------------------------------------------------
#
# Who commits from where: each address with the domain it must count as, or None where the
# manual's rules leave it out (a personal provider, a name that is no organisation's, a bot).

ANN_AT_WORK = ("ann", "Ann Author", "ann@acme-cloud.com")   # the .mailmap maps it to her gmail address
ANN_HOME = ("ann", "Ann Author", "ann.author@gmail.com")
BOB_INITECH = ("bob", "Bob Builder", "Bob@Initech.COM")
BOB_US = ("bob", "Bob Builder", "bob@us.initech.com")       # a subdomain: a domain of its own
CAROL_HOTMAIL = ("carol", "Carol Coder", "carol@hotmail.co.uk")
DAN_YAHOO_INC = ("dan", "Dan Dev", "dan@yahoo-inc.com")     # an employer, not the provider
EVE_LAPTOP = ("eve", "Eve Everyone", "eve@laptop.(none)")
FAY_LOCAL = ("fay", "Fay Fixer", "fay@localhost")
GUS_EXAMPLE = ("gus", "Gus Grey", "gus@dev.example.com")
HAL_NO_AT = ("hal", "Hal", "hal")
IDA_GLOBEX = ("ida", "Ida Init", "ida@globex.io")
ZED_ACME = ("zed", "Zed Zero", "zed@acme-cloud.com")
COUNTS_AS = {
    ANN_AT_WORK: "acme-cloud.com", ANN_HOME: None, BOB_INITECH: "initech.com", BOB_US: "us.initech.com",
    CAROL_HOTMAIL: None, DAN_YAHOO_INC: "yahoo-inc.com", EVE_LAPTOP: None, FAY_LOCAL: None, GUS_EXAMPLE: None,
    HAL_NO_AT: None, IDA_GLOBEX: "globex.io", ZED_ACME: "acme-cloud.com", BOT: None, MERGER: None,
}
RULE = {ANN_HOME: "personal", CAROL_HOTMAIL: "personal", EVE_LAPTOP: "no-organisation",
        FAY_LOCAL: "no-organisation", GUS_EXAMPLE: "no-organisation", HAL_NO_AT: "no-organisation", BOT: "bot"}
DOMAIN_MAILMAP = "Ann Author <ann.author@gmail.com> <ann@acme-cloud.com>\n"

GAMMA = [
    Step(ANN_AT_WORK, "2012-01-05T10:00:00+00:00", {".mailmap": DOMAIN_MAILMAP, "a.py": 1}),
    Step(BOB_INITECH, "2012-01-06T10:00:00+00:00", {"a.py": 2}),
    Step(ANN_HOME, "2012-01-07T10:00:00+00:00", {"a.py": 3}),
    Step(BOT, "2012-01-08T10:00:00+00:00", {"a.py": 4}),
    Step(CAROL_HOTMAIL, "2012-02-01T10:00:00+00:00", {"a.py": 5}),
    Step(BOB_US, "2012-02-02T10:00:00+00:00", {"a.py": 6}),
    Step(DAN_YAHOO_INC, "2012-02-03T10:00:00+00:00", {"a.py": 7}),
    Step(EVE_LAPTOP, "2012-02-04T10:00:00+00:00", {"a.py": 8}),
    Step(FAY_LOCAL, "2012-02-05T10:00:00+00:00", {"a.py": 9}),
    Step(GUS_EXAMPLE, "2012-02-06T10:00:00+00:00", {"a.py": 10}),
    Step(HAL_NO_AT, "2012-02-07T10:00:00+00:00", {"a.py": 11}),
    Step(IDA_GLOBEX, "2012-03-01T10:00:00+00:00", {"b.py": 1}, branch="topic"),
    Step(MERGER, "2012-03-02T10:00:00+00:00", merge="topic"),   # a merge: not counted
    Step(ANN_HOME, "2012-04-01T10:00:00+00:00", {"a.py": 12}),  # April: no domain
]
DELTA = [
    Step(ZED_ACME, "2012-02-10T10:00:00+00:00", {"z.py": 1}),   # February: a domain gamma has too
    Step(IDA_GLOBEX, "2012-03-10T10:00:00+00:00", {"z.py": 2}),
    Step(ZED_ACME, "2012-05-10T10:00:00+00:00", {"z.py": 3}),
]


def expected_domains(steps: list[Step]) -> dict[str, set[str]]:
    months: dict[str, set[str]] = {}
    for step in steps:
        if not step.merge:
            domains = months.setdefault(when(step.date).strftime("%Y-%m"), set())
            if COUNTS_AS[step.author]:
                domains.add(COUNTS_AS[step.author])
    return months


@pytest.fixture(scope="module")
def domains(tmp_path_factory):
    root = tmp_path_factory.mktemp("domains")
    env = git_env(root / "home")
    make_repository(root / "gamma", GAMMA, env)
    make_repository(root / "delta", DELTA, env)
    return measure_with_main(root, env, [root / "gamma", root / "delta"])


def test_domains_per_month_each_repository_and_their_union(domains):
    gamma, delta = expected_domains(GAMMA), expected_domains(DELTA)
    months = ["2012-01", "2012-02", "2012-03", "2012-04", "2012-05"]
    got = [(row["month"], row["repository"], int(row["domains"])) for row in domains["domains"]]
    assert got == per_month(months, {"gamma": gamma, "delta": delta})
    rows = {(row["month"], row["repository"]): int(row["domains"]) for row in domains["domains"]}
    # What that means here: Ann's work address counts although the .mailmap maps it to gmail;
    # in February, initech's subdomain and yahoo-inc.com count, hotmail and the machines' names do not;
    # acme-cloud.com in both repositories counts once in all.
    assert rows["2012-01", "gamma"] == 2 and rows["2012-04", "gamma"] == 0
    assert rows["2012-02", "gamma"] == 2 and rows["2012-02", "all"] == 3
    assert rows["2012-03", "gamma"] == rows["2012-03", "delta"] == rows["2012-03", "all"] == 1


def test_domains_in_the_provenance(domains):
    provenance = domains["provenance"]
    assert "%ae" in provenance["method"]["domains"] and "not employers" in provenance["method"]["domains"]
    assert provenance["domain_rules"]["personal"] == list(gitstats.PERSONAL_DOMAINS)
    gamma = provenance["repositories"][0]
    counted = [s.author for s in GAMMA if not s.merge]
    assert gamma["domains"] == {
        "distinct": len({COUNTS_AS[a] for a in counted if COUNTS_AS[a]}),
        "commits_left_out": {rule: sum(RULE.get(a) == rule for a in counted)
                             for rule in ("bot", "personal", "no-organisation")},
    }


@pytest.mark.parametrize("address, rule, domain", [
    ("someone@gmail.com", "personal", None),
    ("someone@GoogleMail.com", "personal", None),
    ("someone@yahoo.co.jp", "personal", None),
    ("someone@yahoo.com.br", "personal", None),
    ("someone@gmx.de", "personal", None),
    ("1234+someone@users.noreply.github.com", "personal", None),
    ("someone@yahoo-inc.com", "counted", "yahoo-inc.com"),
    ("someone@live.gnome.org", "counted", "live.gnome.org"),
    ("someone@mail.gmail.com.example", "no-organisation", None),
    ("someone@example.org", "no-organisation", None),
    ("someone@host.localdomain", "no-organisation", None),
    ("someone@127.0.0.1", "no-organisation", None),
    ("someone@ubuntu", "no-organisation", None),
    ("  someone@Rackspace.COM. ", "counted", "rackspace.com"),
    ("someone", "no-organisation", None),
])
def test_a_domain_by_the_rules(address, rule, domain):
    assert gitstats.email_domain(address) == (rule, domain)


@pytest.mark.parametrize("bot, name, email", [
    (True, "OpenStack Proposal Bot", "openstack-infra@lists.openstack.org"),
    (True, "OpenStack Jenkins", "jenkins@openstack.org"),
    (True, "Zuul", "zuul@review.opendev.org"),
    (True, "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    (True, "OpenDev Sysadmins", "openstack-infra@lists.openstack.org"),
    (True, "OpenStack Release Bot", "infra-root@openstack.org"),
    (False, "Andy Botting", "andy@andybotting.com"),
    (False, "Dmitriy Rabotyagov", "noonedeadpunk@gmail.com"),
    (False, "Abbot Jenkinson", "abbot@example.org"),
])
def test_bots_by_name_or_address(bot, name, email):
    assert gitstats.is_bot(name, email) is bot


# -- errors: a message that names the path, exit status 1, no traceback -----------

def run_tool(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talkbook.tools.gitstats", *args],
                          capture_output=True, text=True, cwd=REPO, env=env)


def assert_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_a_folder_that_is_not_a_repository(measured, tmp_path):
    env = measured["env"]
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run_tool(["--out", str(tmp_path / "out"), str(plain)], env)
    assert_error(result, str(plain), "not a git repository")
    # A folder inside a working copy is not that working copy.
    inside = measured["root"] / "alpha" / "pkg"
    result = run_tool(["--out", str(tmp_path / "out"), str(inside)], env)
    assert_error(result, str(inside), "not a git repository")
    missing = tmp_path / "missing"
    result = run_tool(["--out", str(tmp_path / "out"), str(missing)], env)
    assert_error(result, str(missing))
    assert not (tmp_path / "out").exists()


def test_an_empty_repository(measured, tmp_path):
    env = measured["env"]
    empty = tmp_path / "empty"
    git(tmp_path, "init", "-q", str(empty), env=env)
    result = run_tool(["--out", str(tmp_path / "out"), str(empty)], env)
    assert_error(result, str(empty), "no commits")


def test_an_out_folder_that_cannot_be_written(measured, tmp_path):
    env = measured["env"]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    out = blocker / "stats"
    result = run_tool(["--out", str(out), str(measured["root"] / "alpha")], env)
    assert_error(result, str(out))


def test_the_name_all_is_taken(measured, tmp_path):
    result = run_tool(["--out", str(tmp_path / "out"), f"all={measured['root'] / 'alpha'}"], measured["env"])
    assert_error(result, "'all'")
