"""Contributors per month and Python code size per quarter, measured from git repositories.

    python -m talkbook.tools.gitstats --out DIR [--url-pattern URL] REPO [REPO ...]

Each ``REPO`` is the path of a git repository, a working copy or a bare one
(``git clone --bare``), or ``NAME=PATH`` to name it. Without a name, a
repository is named after its folder, less a ``.git`` ending (``nova.git`` is
``nova``; for ``nova/.git``, ``nova``). A repository's address is
``--url-pattern`` with ``{name}`` replaced (``https://github.com/openstack/{name}``),
else its ``remote.origin.url``, else none. Only what HEAD reaches is measured.

The tool writes four files into ``DIR`` (made if missing; a file is replaced
only once everything was measured):

``contributors-per-month.csv``, header ``month,repository,authors``
    The distinct authors of each calendar month (``YYYY-MM``, of the author
    date in UTC), counting the commits reachable from HEAD that are not merges.
    An author is the email address after the repository's ``.mailmap``
    (git's own: ``%aE`` with ``mailmap.blob=HEAD:.mailmap``; a working copy's
    checked-out ``.mailmap`` is read too), lowercased; a commit without an
    email is its author's name, lowercased. Rows whose repository is ``all``
    count the union, an address active in two repositories in one month
    counts once. Each repository has a row for every month from its first
    counted commit's to the end of the measurement (0 in a month without a
    commit); ``all`` from the first of any.

``code-size.csv``, header ``date,repository,commit,python_lines``
    For the 1st of each quarter (Jan 1, Apr 1, Jul 1, Oct 1): the commit of
    that day, the first commit of ``git log --first-parent HEAD`` whose
    committer date is on or before the 1st (UTC, the whole day: the commit
    that ``git rev-list --first-parent --before=<the 1st, 23:59:59 UTC> -1
    HEAD`` names), and the lines of the ``*.py`` files of its tree (regular
    files only: no symlinks, no submodules). A file's lines are its newlines,
    plus one for a last line without a newline. A repository has rows from
    the first quarter that it has a commit on or before, none before; ``all``
    rows hold the sum of the repositories' rows of that date, and no commit.

``domains-per-month.csv``, header ``month,repository,domains``
    The distinct email domains of each month's authors, over the same commits
    and months as the contributors: the part after the last ``@`` of the
    author's address as the commit records it (``%ae``, before the
    ``.mailmap``, which may map a work address of that time to a later or a
    personal one), lowercased. Left out: bots (below), personal mail
    providers (:data:`PERSONAL_DOMAINS`, and :data:`PERSONAL_NAMES` with any
    ending: ``hotmail.co.uk``, ``yahoo.co.jp``), and names that are no
    organisation's (no dot, an IP address, a last label in
    :data:`NOT_AN_ORGANISATION`, ``example.com``, ``.net`` and ``.org``). The
    list of providers is not complete, and an organisation may have several
    domains (``us.example-corp.com`` and ``example-corp.com`` count as two): it
    counts domains, not employers. ``all`` is the union.

``provenance.json``
    The day measured, git's version, this command, the method in words, the
    end of the measurement, and per repository: its name, address, HEAD
    commit and date, first commit, the commits and authors counted, each bot
    identity with its commit count, the commits left out for their date, and
    the distinct domains with the commits each rule left out of them.

The end of the measurement is the newest committer date of the
repositories' HEADs: nothing later is known, so the last month is counted up
to that day only (``last_full_month`` in the provenance is the month before).

Bots are counted like anyone; an identity (after the mailmap) is a bot when
its name has the word ``bot``, ``jenkins`` or ``zuul`` (``OpenStack Proposal
Bot``, ``OpenStack Jenkins``, ``Zuul``) or ends in ``[bot]``, or its email
is ``jenkins@``, ``zuul@``, ``infra-root@`` or ``openstack-infra@`` any domain
(OpenStack's infrastructure addresses: the ``OpenDev Sysadmins`` migration
commits), or has ``[bot]`` in it (GitHub's apps).

A commit whose author date is before the repository's first commit (the
earliest author date of the root commits that HEAD reaches) or after HEAD's
committer date is a clock's mistake: it is left out of the contributors and
listed in the provenance. Its tree still counts in the code size.

It works through git itself: one ``git log`` per repository for the authors,
one ``git log --first-parent`` for the quarters' commits, and one
``git cat-file --batch`` for the trees and blobs, each tree's and each blob's
line count kept by its object id so that the quarters share the work: the
nine repositories of the talk (below: 94,000 commits counted) take about 30
seconds on two cores.

The talk's data (``source/_data/stats/``) was measured on bare clones
(``git clone --bare https://github.com/openstack/nova.git`` ...) with::

    python -m talkbook.tools.gitstats --out source/_data/stats \\
        --url-pattern 'https://github.com/openstack/{name}' \\
        nova.git cinder.git swift.git neutron.git keystone.git horizon.git \\
        glance.git oslo-incubator.git oslo.config.git

(its ``provenance.json`` holds the exact command, with the clones' paths).
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

CONTRIBUTORS_FILE = "contributors-per-month.csv"
CODE_SIZE_FILE = "code-size.csv"
DOMAINS_FILE = "domains-per-month.csv"
PROVENANCE_FILE = "provenance.json"
#: The repository name of the rows that combine all repositories.
ALL = "all"

_BOT_NAME = re.compile(r"\b(?:bot|jenkins|zuul)\b|\[bot\]\s*$", re.IGNORECASE)
_BOT_EMAIL = re.compile(r"^(?:jenkins|zuul|infra-root|openstack-infra)@|\[bot\]", re.IGNORECASE)
#: Personal mail providers: an address there names no employer.
PERSONAL_DOMAINS = (
    "gmail.com", "googlemail.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "ymail.com",
    "mail.com", "mail.ru", "web.de", "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com",
    "sina.cn", "sohu.com", "naver.com", "hanmail.net", "daum.net", "rediffmail.com", "proton.me", "pm.me",
    "fastmail.com", "fastmail.fm", "zoho.com", "free.fr", "orange.fr", "wanadoo.fr", "laposte.net", "libero.it",
    "seznam.cz", "users.noreply.github.com",
)
#: Personal mail providers under any ending: a top-level domain (``gmx.de``) or ``co.``/``com.`` and a
#: country's (``hotmail.co.uk``, ``yahoo.com.br``).
PERSONAL_NAMES = ("hotmail", "outlook", "live", "yahoo", "gmx", "yandex", "protonmail")
#: Last labels of names that are no organisation's domain: a machine's, a placeholder, a reserved name.
NOT_AN_ORGANISATION = ("localhost", "localdomain", "local", "internal", "invalid", "test", "example", "lan", "home",
                       "(none)")
#: Domains reserved for examples (RFC 2606), with their subdomains.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
_ENDING = re.compile(r"^(?:[a-z]{2,}|(?:co|com)\.[a-z]{2})$")

#: git's variables that would point it at another repository than the one named.
_GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE",
                           "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE")
_DAY = dt.timedelta(days=1)


class GitStatsError(Exception):
    """A problem the person running the tool can fix; printed without traceback."""


def is_bot(name: str, email: str) -> bool:
    """Whether an author identity is a bot, by the rule of the module's docstring."""
    return bool(_BOT_NAME.search(name) or _BOT_EMAIL.search(email))


def email_domain(address: str) -> tuple[str, str | None]:
    """(rule, domain) of an author's address: ``counted`` and its domain, or the rule that leaves it
    out, ``personal`` or ``no-organisation``, and None."""
    _at, sep, domain = address.strip().lower().rpartition("@")
    domain = domain.strip().rstrip(".")
    labels = domain.split(".")
    if not sep or len(labels) < 2 or labels[-1] in NOT_AN_ORGANISATION or labels[-1].isdigit() \
            or any(domain == d or domain.endswith("." + d) for d in EXAMPLE_DOMAINS):
        return "no-organisation", None
    name, _dot, ending = domain.partition(".")
    if domain in PERSONAL_DOMAINS or (name in PERSONAL_NAMES and _ENDING.match(ending)):
        return "personal", None
    return "counted", domain


def author_key(name: str, email: str) -> str:
    """What identifies an author: the (mailmapped) email, lowercased; the name without one."""
    return email.strip().lower() or f"name:{name.strip().lower()}"


# -- git ----------------------------------------------------------------------

@dataclass
class Repository:
    name: str
    path: Path
    url: str | None = None


class Git:
    """git commands in one repository, never in a repository above it."""

    def __init__(self, path: Path):
        self.path = path
        self.env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARIABLES}
        # git looks for a repository in the folder itself only, not in the folders above it.
        self.env["GIT_CEILING_DIRECTORIES"] = str(path.resolve().parent)
        self.env["LC_ALL"] = "C"

    def command(self, *args: str) -> list[str]:
        return ["git", "-C", str(self.path), "-c", "log.showSignature=false", *args]

    def run(self, *args: str, check: bool = True) -> str:
        try:
            done = subprocess.run(self.command(*args), capture_output=True, env=self.env)
        except FileNotFoundError:
            raise GitStatsError("git is not installed (or not on PATH): install git.") from None
        if check and done.returncode:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitStatsError(f"{self.path}: git {args[0]} failed: {message[-1] if message else done.returncode}")
        return done.stdout.decode("utf-8", "surrogateescape")


def open_repository(repo: Repository) -> tuple[Git, str]:
    """*repo*'s git commands and HEAD commit; an error naming the path if it is none."""
    if not repo.path.is_dir():
        raise GitStatsError(f"{repo.path} is not a folder: give the path of a git repository.")
    git = Git(repo.path)
    if git.run("rev-parse", "--git-dir", check=False).strip() == "":
        raise GitStatsError(f"{repo.path} is not a git repository: give the path of a clone "
                            "(a working copy's top folder or a bare clone).")
    head = git.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
    if not head:
        raise GitStatsError(f"{repo.path} has no commits (its HEAD names no commit): "
                            "fetch or check out a branch with history.")
    return git, head


class ObjectReader:
    """One ``git cat-file --batch`` process: objects by id, one after the other."""

    def __init__(self, git: Git):
        self.process = subprocess.Popen(git.command("cat-file", "--batch"), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=git.env)
        self.path = git.path

    def read(self, oid: str) -> tuple[bytes, bytes]:
        """(type, content) of the object *oid*."""
        self.process.stdin.write(oid.encode("ascii") + b"\n")
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) != 3:
            raise GitStatsError(f"{self.path}: object {oid} is missing from the repository "
                                "(a shallow or partial clone?): measure a full clone.")
        content = self.process.stdout.read(int(header[2]) + 1)[:-1]
        return header[1], content

    def close(self) -> None:
        self.process.stdin.close()
        self.process.stdout.close()
        self.process.wait()


# -- contributors ---------------------------------------------------------------

@dataclass
class Commit:
    oid: str
    author_time: int
    commit_time: int
    name: str
    email: str
    #: The author's address as the commit records it, before the .mailmap.
    recorded_email: str = ""

    def domain(self) -> tuple[str, str | None]:
        """(rule, domain) of the commit for the domains: see :func:`email_domain`; a bot's is left out."""
        if is_bot(self.name, self.email):
            return "bot", None
        return email_domain(self.recorded_email)


@dataclass
class AuthorLog:
    """What one repository's ``git log`` says of its authors."""

    counted: list[Commit] = field(default_factory=list)
    wrong_dates: list[dict] = field(default_factory=list)
    first_time: int = 0
    first_commit: str = ""
    head_time: int = 0


def read_authors(git: Git) -> AuthorLog:
    # %P: the root commits have none.
    text = git.run("-c", "mailmap.blob=HEAD:.mailmap", "log", "--no-merges", "--use-mailmap",
                   "--format=%H%x00%at%x00%ct%x00%P%x00%aN%x00%aE%x00%ae", "HEAD", "--")
    # Split at newlines only: str.splitlines() would also split a name at U+2028 or U+0085.
    rows = [line.split("\0") for line in text.split("\n") if line]
    commits, roots = [], []
    for oid, author_time, commit_time, parents, name, email, recorded in rows:
        commits.append(Commit(oid, int(author_time), int(commit_time), name, email, recorded))
        if not parents:
            roots.append((int(author_time), oid))
    log = AuthorLog()
    # git log shows HEAD first unless HEAD is a merge, which --no-merges hides: ask for HEAD alone.
    log.head_time = int(git.run("log", "-1", "--format=%ct", "HEAD", "--").strip())
    log.first_time, log.first_commit = min(roots)
    for commit in commits:
        if log.first_time <= commit.author_time <= log.head_time:
            log.counted.append(commit)
        else:
            log.wrong_dates.append({"commit": commit.oid, "author": commit.name,
                                    "author_date": _iso(commit.author_time),
                                    "committer_date": _iso(commit.commit_time)})
    log.wrong_dates.sort(key=lambda row: (row["author_date"], row["commit"]))
    return log


def _iso(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _month(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m")


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_rows(logs: dict[str, AuthorLog], end_month: str, column: str, key) -> list[dict]:
    """Rows of distinct ``key(commit)`` per month (None: not counted), each repository's from its
    first counted commit's month, then ``all``, the union, month by month."""
    found: dict[str, dict[str, set[str]]] = {}
    starts = {}
    for name, log in logs.items():
        by_month = found[name] = defaultdict(set)
        for commit in log.counted:
            month = _month(commit.author_time)
            starts[name] = min(starts.get(name, month), month)
            value = key(commit)
            if value is not None:
                by_month[month].add(value)
    if not starts:
        return []
    rows = []
    for month in _months(min(starts.values()), end_month):
        union: set[str] = set()
        for name, by_month in found.items():
            if name in starts and starts[name] <= month:
                rows.append({"month": month, "repository": name, column: len(by_month.get(month, ()))})
                union |= by_month.get(month, set())
        rows.append({"month": month, "repository": ALL, column: len(union)})
    return rows


def contributors_rows(logs: dict[str, AuthorLog], end_month: str) -> list[dict]:
    """The rows of contributors-per-month.csv: each repository's, then ``all``, month by month."""
    return monthly_rows(logs, end_month, "authors", lambda commit: author_key(commit.name, commit.email))


def domains_rows(logs: dict[str, AuthorLog], end_month: str) -> list[dict]:
    """The rows of domains-per-month.csv: each repository's, then ``all``, month by month."""
    return monthly_rows(logs, end_month, "domains", lambda commit: commit.domain()[1])


def domains_provenance(log: AuthorLog) -> dict:
    """The distinct domains of a repository's counted commits, and the commits each rule left out."""
    found = [commit.domain() for commit in log.counted]
    left_out = Counter(rule for rule, _domain in found if rule != "counted")
    return {"distinct": len({domain for _rule, domain in found if domain}),
            "commits_left_out": {rule: left_out[rule] for rule in ("bot", "personal", "no-organisation")}}


def bot_identities(log: AuthorLog) -> list[dict]:
    counts = Counter((c.name, c.email) for c in log.counted if is_bot(c.name, c.email))
    return [{"name": name, "email": email, "commits": n}
            for (name, email), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


# -- code size ------------------------------------------------------------------

def quarter_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The 1sts of quarters from *first* (on or after it) to *last* (on or before it)."""
    day = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    if day < first:
        day = _next_quarter(day)
    days = []
    while day <= last:
        days.append(day)
        day = _next_quarter(day)
    return days


def _next_quarter(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1) if day.month == 10 else dt.date(day.year, day.month + 3, 1)


def _end_of_day(day: dt.date) -> int:
    """The last second of *day*, UTC, as a timestamp."""
    return calendar.timegm((day + _DAY).timetuple()) - 1


def first_parent_history(git: Git) -> list[tuple[str, int, str]]:
    """(commit, committer time, tree) of each commit of HEAD's first-parent history, newest first."""
    text = git.run("log", "--first-parent", "--format=%H %ct %T", "HEAD", "--")
    return [(oid, int(time), tree) for oid, time, tree in (line.split() for line in text.splitlines())]


def commit_on(history: list[tuple[str, int, str]], day: dt.date) -> tuple[str, str] | None:
    """(commit, tree) that HEAD's first-parent history had on *day*: git rev-list --before's choice."""
    cutoff = _end_of_day(day)
    return next(((oid, tree) for oid, time, tree in history if time <= cutoff), None)


class PythonLines:
    """The lines of the ``*.py`` files of trees, counted once per tree and per blob."""

    def __init__(self, reader: ObjectReader):
        self.reader = reader
        self.trees: dict[bytes, int] = {}
        self.blobs: dict[bytes, int] = {}

    def tree(self, oid: bytes) -> int:
        cached = self.trees.get(oid)
        if cached is not None:
            return cached
        _kind, data = self.reader.read(oid.hex())
        total, pos = 0, 0
        while pos < len(data):
            space = data.index(b" ", pos)
            nul = data.index(b"\0", space)
            mode, name, child = data[pos:space], data[space + 1:nul], data[nul + 1:nul + 21]
            pos = nul + 21
            if mode == b"40000":
                total += self.tree(child)
            elif mode in (b"100644", b"100755") and name.endswith(b".py"):
                total += self.blob(child)
        self.trees[oid] = total
        return total

    def blob(self, oid: bytes) -> int:
        cached = self.blobs.get(oid)
        if cached is None:
            _kind, data = self.reader.read(oid.hex())
            cached = self.blobs[oid] = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        return cached


def code_size(git: Git, days: list[dt.date]) -> list[dict]:
    """Rows of code-size.csv for one repository (without its name): one per day it has a commit on."""
    history = first_parent_history(git)
    reader = ObjectReader(git)
    try:
        counter = PythonLines(reader)
        rows = []
        for day in days:
            found = commit_on(history, day)
            if found:
                rows.append({"date": day.isoformat(), "commit": found[0],
                             "python_lines": counter.tree(bytes.fromhex(found[1]))})
        return rows
    finally:
        reader.close()


def code_size_rows(sizes: dict[str, list[dict]], days: list[dt.date]) -> list[dict]:
    by_day = {name: {row["date"]: row for row in rows} for name, rows in sizes.items()}
    out = []
    for day in map(dt.date.isoformat, days):
        present = [(name, rows[day]) for name, rows in by_day.items() if day in rows]
        if not present:
            continue
        for name, row in present:
            out.append({"date": day, "repository": name, "commit": row["commit"],
                        "python_lines": row["python_lines"]})
        out.append({"date": day, "repository": ALL, "commit": "",
                    "python_lines": sum(row["python_lines"] for _name, row in present)})
    return out


# -- the whole measure -----------------------------------------------------------

METHOD = {
    "contributors": "Distinct authors per calendar month of the author date (UTC), over the non-merge commits "
                    "reachable from HEAD; an author is the email address after the repository's .mailmap "
                    "(git's %aE with mailmap.blob=HEAD:.mailmap), lowercased, or the name if there is no email. "
                    "'all' is the union over the repositories, not the sum.",
    "code_size": "For the 1st of each quarter: the first commit of HEAD's first-parent history whose committer "
                 "date is on or before that day (UTC), and the lines of the *.py regular files of its tree "
                 "(newlines, plus one for a last line without one). 'all' is the sum of the repositories that "
                 "have a commit by then; a repository has no row before its first commit.",
    "bots": "Counted like anyone. A bot is an identity (after the mailmap) whose name has the word bot, "
            "jenkins or zuul or ends in [bot], or whose email starts with jenkins@, zuul@, infra-root@ or "
            "openstack-infra@ or contains [bot].",
    "wrong_dates": "A commit whose author date is before the repository's first commit (the earliest author date "
                   "of the root commits HEAD reaches) or after HEAD's committer date is left out of the "
                   "contributors and listed here; its tree still counts in the code size.",
    "domains": "Distinct email domains per calendar month of the author date (UTC), over the commits the "
               "contributors count: the part after the last @ of the author's address as the commit records it "
               "(git's %ae, before the .mailmap), lowercased. Left out: bots (the rule above); personal mail "
               "providers (domain_rules.personal, and domain_rules.personal_any_ending followed by a top-level "
               "domain or by co. or com. and a country's: hotmail.co.uk); names that are no organisation's (no "
               "dot, an IP address, a last label in domain_rules.not_an_organisation, or domain_rules.examples "
               "and their subdomains). The list of providers is not complete, and an organisation may have several "
               "domains: this counts domains, not employers. 'all' is the union over the repositories.",
    "end": "The newest committer date of the repositories' HEADs: the last month is counted up to that day, "
           "last_full_month is the month before.",
}
DOMAIN_RULES = {"personal": list(PERSONAL_DOMAINS), "personal_any_ending": list(PERSONAL_NAMES),
                "not_an_organisation": list(NOT_AN_ORGANISATION), "examples": list(EXAMPLE_DOMAINS)}


def measure(opened: list[tuple[Repository, Git, str]], command: str, today: dt.date) -> dict[str, object]:
    """Everything the files hold: {'contributors': rows, 'code_size': rows, 'provenance': dict}.

    *opened*: each repository with its git and HEAD commit (:func:`open_repository`).
    """
    logs = {repo.name: read_authors(git) for repo, git, _head in opened}
    end = max(log.head_time for log in logs.values())
    end_day = dt.datetime.fromtimestamp(end, dt.timezone.utc).date()
    first_day = min(dt.datetime.fromtimestamp(log.first_time, dt.timezone.utc).date() for log in logs.values())
    days = quarter_days(first_day, end_day)
    sizes = {repo.name: code_size(git, days) for repo, git, _head in opened}
    last_full = end_day.replace(day=1) - _DAY
    provenance = {
        "measured": today.isoformat(),
        "git": Git(Path(".")).run("--version").strip(),
        "command": command,
        "method": METHOD,
        "domain_rules": DOMAIN_RULES,
        "end": _iso(end),
        "last_full_month": last_full.strftime("%Y-%m"),
        "files": [CONTRIBUTORS_FILE, CODE_SIZE_FILE, DOMAINS_FILE],
        "repositories": [repository_provenance(repo, git, head, logs[repo.name]) for repo, git, head in opened],
    }
    return {"contributors": contributors_rows(logs, end_day.strftime("%Y-%m")),
            "code_size": code_size_rows(sizes, days), "domains": domains_rows(logs, end_day.strftime("%Y-%m")),
            "provenance": provenance}


def repository_provenance(repo: Repository, git: Git, head: str, log: AuthorLog) -> dict:
    remote = git.run("config", "--get", "remote.origin.url", check=False).strip()
    return {
        "name": repo.name,
        "url": repo.url or remote or None,
        "head": head,
        "head_date": _iso(log.head_time),
        "first_commit": log.first_commit,
        "first_commit_date": _iso(log.first_time),
        "commits_counted": len(log.counted),
        "authors": len({author_key(c.name, c.email) for c in log.counted}),
        "bots": bot_identities(log),
        "wrong_dates": log.wrong_dates,
        "domains": domains_provenance(log),
    }


# -- command line ---------------------------------------------------------------

def parse_repository(arg: str, url_pattern: str | None) -> Repository:
    """``PATH`` or ``NAME=PATH`` (a NAME has no slash)."""
    name, sep, rest = arg.partition("=")
    if sep and name and "/" not in name and os.sep not in name:
        path = Path(rest)
    else:
        name, path = "", Path(arg)
    if not name:
        resolved = path.resolve()
        folder = resolved.parent.name if resolved.name == ".git" else resolved.name
        name = folder[:-4] if folder.endswith(".git") else folder
    if name == ALL:
        raise GitStatsError(f"{arg}: '{ALL}' names the rows of all repositories together: "
                            f"name this repository otherwise (NAME=PATH).")
    url = url_pattern.replace("{name}", name) if url_pattern else None
    return Repository(name=name, path=path, url=url)


def prepare_out(out: Path) -> None:
    """Make the output folder, before measuring: a folder that cannot be written fails at once."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".gitstats-probe.tmp"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise GitStatsError(f"cannot write into {out}: {err.strerror or err}: "
                            "give --out a folder that you can write to.") from None


def write_outputs(out: Path, result: dict[str, object]) -> list[Path]:
    """The four files, each written beside its final name, then all moved there."""
    texts = {
        CONTRIBUTORS_FILE: _csv(["month", "repository", "authors"], result["contributors"]),
        CODE_SIZE_FILE: _csv(["date", "repository", "commit", "python_lines"], result["code_size"]),
        DOMAINS_FILE: _csv(["month", "repository", "domains"], result["domains"]),
        PROVENANCE_FILE: json.dumps(result["provenance"], indent=2, ensure_ascii=False) + "\n",
    }
    staged = [(out / f".{name}.tmp", out / name) for name in texts]
    try:
        for (temporary, _final), text in zip(staged, texts.values()):
            temporary.write_text(text, encoding="utf-8")
        for temporary, final in staged:
            os.replace(temporary, final)
    except OSError as err:
        for temporary, _final in staged:
            temporary.unlink(missing_ok=True)
        raise GitStatsError(f"cannot write into {out}: {err.strerror or err}: "
                            "give --out a folder that you can write to.") from None
    return [final for _temporary, final in staged]


def _csv(header: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None, prog: str = "python -m talkbook.tools.gitstats") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder the four files go into")
    parser.add_argument("--url-pattern", metavar="URL",
                        help="each repository's address, {name} replaced by its name "
                             "(default: its remote.origin.url, if any)")
    parser.add_argument("repos", nargs="+", metavar="REPO", help="a git repository: PATH or NAME=PATH")
    args = parser.parse_args(argv)
    command = f"{prog} {shlex.join(sys.argv[1:] if argv is None else argv)}"
    try:
        repos = [parse_repository(arg, args.url_pattern) for arg in args.repos]
        names = Counter(repo.name for repo in repos)
        twice = sorted(name for name, n in names.items() if n > 1)
        if twice:
            raise GitStatsError(f"two repositories are named {', '.join(twice)}: name them (NAME=PATH).")
        opened = [(repo, *open_repository(repo)) for repo in repos]
        prepare_out(args.out)
        result = measure(opened, command, dt.datetime.now(dt.timezone.utc).date())
        written = write_outputs(args.out, result)
    except GitStatsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"gitstats: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
