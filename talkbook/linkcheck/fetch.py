"""Asking the web about one page: HEAD, GET, redirects, retries, anchors.

One :class:`Fetcher` serves a whole run from many threads. It shares one
``requests`` session (``trust_env``: ``HTTPS_PROXY``, ``HTTP_PROXY``,
``NO_PROXY``, ``REQUESTS_CA_BUNDLE``; we add ``SSL_CERT_FILE`` and
``SSL_CERT_DIR``, which requests alone does not read) and one gate per host:

- at most ``per_host`` requests are under way at once to a host; a redirect
  to another host waits at that host's gate;
- a ``429 Too Many Requests`` closes the host's gate for as long as
  ``Retry-After`` says (seconds or an HTTP date; 60 s, then doubling, when it
  says nothing), as long as the waits for one page add up to no more than
  ``linkcheck_rate_limit_timeout``;
- every request is bounded by ``linkcheck_timeout``: to connect, for each
  read, and in all for reading a page whose anchors are looked for.

A page is asked with ``HEAD``; when that fails (an HTTP error, a dropped
connection, a redirect loop) with ``GET``, whose body is not read. When the
page's anchors must be checked it is asked with ``GET`` only and its HTML is
parsed for ``id=`` and ``<a name=>``, until every wanted anchor is found.
Redirects are followed by hand, up to 10, so each hop meets its host's gate
and a hop to an URL of ``linkcheck_ignore`` stops there (status ignored).

Transient failures (5xx, a dropped or refused connection, a timeout) are
tried again, up to ``linkcheck_retries`` attempts in all, after
``talkbook_linkcheck_backoff`` seconds, doubling each time.
"""

from __future__ import annotations

import codecs
import email.utils
import itertools
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from talkbook.linkcheck.settings import Settings

WORKING, REDIRECTED, BROKEN, TIMEOUT, IGNORED = (
    "working",
    "redirected",
    "broken",
    "timeout",
    "ignored",
)
STATUSES = (WORKING, REDIRECTED, BROKEN, TIMEOUT, IGNORED)

MAX_REDIRECTS = 10
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
FIRST_RATE_LIMIT_WAIT = 60.0  # seconds, when a 429 has no usable Retry-After
MAX_PAGE_BYTES = 20 * 1024 * 1024  # read no more of a page to find its anchors
MAX_DRAIN_BYTES = 256 * 1024  # read so much of another body to keep the connection
GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


@dataclass
class Outcome:
    """What became of one page URL (without its fragment)."""

    status: str
    code: int = 0
    info: str = ""
    final_url: str = ""
    #: The anchors asked for that the page has; None when it was not read.
    anchors_found: set[str] | None = None
    #: Why the anchors were taken as found without looking (not HTML).
    anchor_note: str = ""
    transient: bool = field(default=False, repr=False)
    retry_after: float | None = field(default=None, repr=False)
    rate_limited: bool = field(default=False, repr=False)


class _Deadline(Exception):
    """Reading a page took longer than the timeout."""


class _IgnoredRedirect(Exception):
    def __init__(self, target: str, code: int) -> None:
        super().__init__(target)
        self.target, self.code = target, code


class _TooManyRedirects(Exception):
    pass


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:  # not a number: requests will say the URL is invalid
        return None


def host_key(url: str) -> str:
    """``host:port`` of a URL, the unit of the per-host cap."""
    parts = urlsplit(url)
    port = _port(parts) or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def same_page(a: str, b: str) -> bool:
    """Whether two URLs name the same page, as a redirect check sees it."""

    def norm(url: str) -> str:
        parts = urlsplit(url.partition("#")[0])
        default = {"http": 80, "https": 443}.get(parts.scheme.lower())
        netloc = (parts.hostname or "").lower()
        port = _port(parts)
        if port and port != default:
            netloc += f":{port}"
        path = parts.path.rstrip("/")
        query = f"?{parts.query}" if parts.query else ""
        return f"{parts.scheme.lower()}://{netloc}{path}{query}"

    return norm(a) == norm(b)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds)


def anchor_names(anchor: str, url: str) -> set[str]:
    """The ids that satisfy ``#anchor`` on the page at ``url``.

    GitHub renders a README's heading ``foo`` with ``id="user-content-foo"``
    and adds the short form with script, so on github.com either will do.
    """
    names = {anchor, unquote(anchor)}
    if (urlsplit(url).hostname or "").lower() in GITHUB_HOSTS:
        names |= {f"user-content-{name}" for name in names}
    return names


class _AnchorFinder(HTMLParser):
    """Collects the wanted ``id`` values (any element) and ``<a name>`` values."""

    def __init__(self, wanted: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value in self.wanted and (name == "id" or (name == "name" and tag == "a")):
                self.found.add(value)

    @property
    def complete(self) -> bool:
        return self.found >= self.wanted


def ca_from_env() -> str | None:
    """``SSL_CERT_FILE`` or ``SSL_CERT_DIR``, which requests itself ignores.

    ``REQUESTS_CA_BUNDLE`` and ``CURL_CA_BUNDLE`` are read by requests and win.
    """
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        value = os.environ.get(name)
        if value and os.path.exists(value):
            return value
    return None


def make_session(settings: Settings, hosts: int = 10) -> requests.Session:
    """A session for many threads: one pool per host, ``per_host`` sockets each."""
    from talkbook.linkcheck import __version__

    session = requests.Session()
    session.trust_env = True
    adapter = HTTPAdapter(
        pool_connections=max(10, hosts),
        pool_maxsize=settings.per_host,
        max_retries=0,
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent or (
        f"talkbook-linkcheck/{__version__} python-requests/{requests.__version__}"
    )
    session.headers["Accept"] = ACCEPT
    ca = ca_from_env()
    if ca:
        session.verify = ca
    return session


class HostGate:
    """At most ``size`` requests at once to one host, and none before a given time."""

    def __init__(self, size: int) -> None:
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._not_before = 0.0  # time.monotonic()

    def hold(self, seconds: float) -> None:
        """Close the gate for ``seconds`` from now (it never reopens earlier)."""
        with self._lock:
            self._not_before = max(self._not_before, time.monotonic() + seconds)

    def _wait(self) -> None:
        while (delay := self._not_before - time.monotonic()) > 0:
            time.sleep(delay)

    @contextmanager
    def slot(self):
        while True:
            self._wait()
            self._slots.acquire()
            if self._not_before <= time.monotonic():
                break
            self._slots.release()  # closed while we queued: wait again
        try:
            yield
        finally:
            self._slots.release()


@dataclass
class _Answer:
    code: int
    url: str
    location: str | None
    retry_after: str | None
    anchors_found: set[str] | None
    anchor_note: str = ""


class Fetcher:
    """Checks page URLs; safe to call from many threads at once."""

    def __init__(
        self, settings: Settings, session: requests.Session | None = None, hosts: int = 10
    ) -> None:
        self.settings = settings
        self._own_session = session is None
        self.session = session or make_session(settings, hosts)
        self._gates: dict[str, HostGate] = {}
        self._gates_lock = threading.Lock()
        self._counter = itertools.count(1)
        self._requests = 0

    def close(self) -> None:
        """Close the connections of the session this fetcher made itself."""
        if self._own_session:
            self.session.close()

    @property
    def requests_sent(self) -> int:
        return self._requests

    def gate(self, url: str) -> HostGate:
        key = host_key(url)
        with self._gates_lock:
            if key not in self._gates:
                self._gates[key] = HostGate(self.settings.per_host)
            return self._gates[key]

    # -- one request ---------------------------------------------------------

    def _request(self, method: str, url: str, anchors: set[str]) -> _Answer:
        timeout = self.settings.timeout or None
        with self.gate(url).slot():
            self._requests = next(self._counter)
            started = time.monotonic()
            response = self.session.request(
                method,
                url,
                allow_redirects=False,
                stream=method != "HEAD",
                timeout=(timeout, timeout),
            )
            try:
                found, note = None, ""
                if method != "HEAD":
                    found, note = self._read_body(response, url, anchors, started)
                return _Answer(
                    code=response.status_code,
                    url=url,
                    location=response.headers.get("Location"),
                    retry_after=response.headers.get("Retry-After"),
                    anchors_found=found,
                    anchor_note=note,
                )
            finally:
                # A body read to its end gives the connection back to the pool;
                # one left half-read closes it.
                response.close()

    def _read_body(
        self, response: requests.Response, url: str, anchors: set[str], started: float
    ) -> tuple[set[str] | None, str]:
        """Read a GET's body: the whole page for its anchors, else a little.

        Returns the anchors found (None when none were looked for) and a note
        when they could not be looked for.
        """
        kind = response.headers.get("Content-Type", "text/html").lower()
        html = "html" in kind or "xml" in kind
        parse = bool(anchors) and 200 <= response.status_code < 300 and html
        wanted = {anchor: anchor_names(anchor, url) for anchor in anchors} if parse else {}
        finder = _AnchorFinder(set().union(*wanted.values()))
        decoder = _decoder(response.encoding if "charset=" in kind else "utf-8")
        limit = MAX_PAGE_BYTES if parse else MAX_DRAIN_BYTES
        size = 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if parse:
                finder.feed(decoder.decode(chunk))
                if finder.complete:
                    break
            if size > limit:
                break
            if self.settings.timeout and time.monotonic() - started > self.settings.timeout:
                raise _Deadline(f"reading the page took over {self.settings.timeout:g} s")
        if parse:
            return {anchor for anchor, names in wanted.items() if names & finder.found}, ""
        if anchors and 200 <= response.status_code < 300:
            # A PDF's #page=2 or an image's fragment is no id to look for.
            return set(anchors), f"anchor not checked: the page is {kind.split(';')[0] or 'not HTML'}"
        return None, ""

    def _follow(self, method: str, url: str, anchors: set[str]) -> tuple[_Answer, int]:
        """Ask ``url``, following redirects; the last answer and the first 3xx code."""
        first_redirect = 0
        for _hop in range(MAX_REDIRECTS + 1):
            answer = self._request(method, url, anchors)
            if answer.code not in REDIRECT_CODES or not answer.location:
                return answer, first_redirect
            first_redirect = first_redirect or answer.code
            url = urljoin(url, answer.location)
            pattern = self.settings.ignored_by(url)
            if pattern:
                raise _IgnoredRedirect(url, first_redirect)
        raise _TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")

    # -- one attempt: HEAD, then GET ------------------------------------------

    def _attempt(self, page: str, anchors: set[str]) -> Outcome:
        methods = ("GET",) if anchors else ("HEAD", "GET")
        failure = Outcome(BROKEN, info="not asked")
        for method in methods:
            try:
                answer, redirect_code = self._follow(method, page, anchors)
            except _IgnoredRedirect as exc:
                return Outcome(
                    IGNORED,
                    exc.code,
                    f"redirects to {exc.target}, which linkcheck_ignore leaves out",
                )
            except _TooManyRedirects as exc:
                failure = Outcome(BROKEN, info=str(exc))
                continue
            except (_Deadline, requests.Timeout) as exc:
                return Outcome(TIMEOUT, info=_describe(exc), transient=True)
            except requests.exceptions.SSLError as exc:
                return Outcome(BROKEN, info=_describe(exc))
            except requests.ConnectionError as exc:
                if _is_read_timeout(exc):
                    return Outcome(TIMEOUT, info=_describe(exc), transient=True)
                # Some servers drop the connection on HEAD: GET may do better.
                failure = Outcome(BROKEN, info=_describe(exc), transient=True)
                continue
            except requests.RequestException as exc:
                return Outcome(BROKEN, info=_describe(exc))
            if answer.code == 429:
                return Outcome(
                    TIMEOUT,
                    429,
                    rate_limited=True,
                    retry_after=parse_retry_after(answer.retry_after),
                )
            if answer.code >= 400:
                failure = Outcome(
                    BROKEN,
                    answer.code,
                    f"HTTP {answer.code} on {method}",
                    transient=answer.code >= 500,
                )
                continue
            return self._success(page, answer, redirect_code)
        return failure

    def _success(self, page: str, answer: _Answer, redirect_code: int) -> Outcome:
        found, note = answer.anchors_found, answer.anchor_note
        if redirect_code and not same_page(page, answer.url):
            if self.settings.redirect_allowed(page, answer.url):
                info = f"allowed redirect to {answer.url}"
                return Outcome(WORKING, redirect_code, info, answer.url, found, note)
            return Outcome(REDIRECTED, redirect_code, answer.url, answer.url, found, note)
        return Outcome(WORKING, answer.code, "", answer.url, found, note)

    # -- a page: attempts, rate limits ----------------------------------------

    def check(self, page: str, anchors: set[str] | frozenset[str] = frozenset()) -> Outcome:
        """Check ``page`` (no fragment) and, when asked, which ``anchors`` it has."""
        settings = self.settings
        attempt, waited, next_default_wait = 1, 0.0, FIRST_RATE_LIMIT_WAIT
        while True:
            outcome = self._attempt(page, set(anchors))
            if outcome.rate_limited:
                wait = outcome.retry_after
                if wait is None:
                    wait, next_default_wait = next_default_wait, next_default_wait * 2
                if waited + wait > settings.rate_limit_timeout:
                    outcome.info = (
                        f"rate limited (HTTP 429): waited {waited:g} s, the server asks "
                        f"{wait:g} s more, past linkcheck_rate_limit_timeout "
                        f"({settings.rate_limit_timeout:g} s)"
                    )
                    return outcome
                self.gate(page).hold(wait)
                waited += wait
                continue
            if outcome.transient and attempt < settings.retries:
                time.sleep(settings.backoff * 2 ** (attempt - 1))
                attempt += 1
                continue
            if outcome.transient and settings.retries > 1:
                outcome.info += f" (after {attempt} attempts)"
            return outcome


def _decoder(encoding: str | None) -> codecs.IncrementalDecoder:
    try:
        return codecs.getincrementaldecoder(encoding or "utf-8")(errors="replace")
    except LookupError:  # a charset Python does not know
        return codecs.getincrementaldecoder("utf-8")(errors="replace")


def _is_read_timeout(exc: BaseException) -> bool:
    return any(isinstance(arg, ReadTimeoutError) for arg in exc.args)


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost error that requests and urllib3 wrapped ``exc`` around."""
    for _ in range(10):
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((a for a in exc.args if isinstance(a, BaseException)), None)
        inner = inner or exc.__cause__
        if inner is None or inner is exc:
            break
        exc = inner
    return exc


def _describe(exc: BaseException) -> str:
    """A short, one-line description of a request's failure."""
    if isinstance(exc, _Deadline):
        return f"timeout: {exc}"
    if isinstance(exc, requests.Timeout) or _is_read_timeout(exc):
        label = "timeout"
    elif isinstance(exc, requests.exceptions.SSLError):
        label = "TLS error"
    elif isinstance(exc, requests.exceptions.ProxyError):
        label = "proxy error"
    elif isinstance(exc, requests.ConnectionError):
        label = "connection failed"
    else:
        label = type(exc).__name__
    root = _root_cause(exc)
    text = " ".join(str(root).split()) or type(root).__name__
    if root is not exc:
        text = f"{type(root).__name__}: {text}"
    return f"{label}: {text}"[:300]
