"""The link checker (talkbook.linkcheck) against a simulated internet on loopback.

Every check goes through :class:`linkcheck_support.FakeInternet`: an
HTTPS-intercepting proxy on 127.0.0.1 that answers for github.com,
bugs.launchpad.net... from the table each test fills. The suite-wide guard (conftest.py) fails
any test that connects to, or looks up, anything beyond loopback.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from linkcheck_support import FakeInternet, Reply, html_page, loopback_only, write_tree
from talkbook.linkcheck import cli
from talkbook.linkcheck.collect import collect_urls, css_urls, srcset_urls
from talkbook.linkcheck.fetch import anchor_names, parse_retry_after
from talkbook.linkcheck.run import check_site
from talkbook.linkcheck.settings import (
    REASONED,
    TALKBOOK_VALUES,
    Settings,
    conf_entries,
    load_settings,
    setup_linkcheck,
)

REPO = Path(__file__).resolve().parent.parent

NOVA = "https://github.com/openstack/nova"
BUGS = "https://bugs.launchpad.net/nova"
REVIEW = "https://review.opendev.org/c/openstack/nova/+/1"


@pytest.fixture
def internet(monkeypatch):
    """The fake internet, with requests' environment pointing at it."""
    with FakeInternet() as net:
        for name, value in net.env().items():
            monkeypatch.setenv(name, value)
        for name in ("CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
            monkeypatch.delenv(name, raising=False)
        yield net


def fast(**changes) -> Settings:
    """Settings with small timeouts and waits, so the suite stays quick."""
    values = dict(timeout=2.0, retries=2, backoff=0.05, rate_limit_timeout=5.0)
    return Settings(**{**values, **changes})


def site_with(tmp_path: Path, *urls: str, deck: tuple[str, ...] = ()) -> Path:
    files = {"index.html": html_page(*urls)}
    if deck:
        files["slides/index.html"] = html_page(*deck)
    return write_tree(tmp_path / "site", files)


def run(tmp_path: Path, settings: Settings, *urls: str, deck=(), max_age=None):
    site = tmp_path / "site"
    if not site.exists():
        site_with(tmp_path, *urls, deck=deck)
    report = check_site(site, tmp_path / "out", settings, cache_max_age=max_age)
    return {row.uri: row for row in report.rows}, report


def written_rows(tmp_path: Path) -> dict[str, dict]:
    rows = json.loads((tmp_path / "out" / "output.json").read_text(encoding="utf-8"))
    return {row["uri"]: row for row in rows}


def test_the_guard_refuses_traffic_beyond_loopback():
    with loopback_only() as guard:
        with socket.socket() as sock, pytest.raises(OSError, match="loopback_only"):
            sock.connect(("192.0.2.1", 443))  # TEST-NET-1: refused before any packet
        with pytest.raises(OSError, match="loopback_only"):
            socket.getaddrinfo("github.com", 443)
        socket.getaddrinfo("localhost", 80)  # loopback names are fine
    assert guard.violations == ["connect to ('192.0.2.1', 443)", "lookup of 'github.com'"]


# -- collecting ----------------------------------------------------------------

DECK = """<!doctype html><html><head>
<link rel="stylesheet" href="https://cdn.example.net/reveal.css">
<link rel="stylesheet" href="_static/talk.css">
<meta property="og:image" content="https://img.test/og.png">
<style>/* url(https://commented.test/x.png) */ .a { background: url("https://style.test/bg.png") }</style>
</head><body><div class="reveal"><div class="slides">
<section id="why" data-background-image="https://img.test/cloud.jpg"
         data-background-iframe="https://www.youtube.com/embed/abc"
         data-background-video="//video.test/a.mp4">
  <img data-src="https://img.test/lazy.png" src="_static/local.png"
       srcset="https://img.test/a.png 1x, https://img.test/a,2.png 2x, local@3x.png 3x">
  <a href="https://github.com/openstack/nova#readme">code</a>
  <a href="#/other">next slide</a><a href="mailto:someone@test">mail</a>
  <p style="background-image: url('https://style.test/inline.png')">x</p>
  <svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#icon"></use></svg>
</section></div></div></body></html>"""

PAGE = """<!doctype html><html><body>
<a href="https://github.com/openstack/nova">Nova</a>
<a href="https://github.com/openstack/nova#readme">Read me</a>
<a href="../reference/x.html#top">a page of ours</a>
<a href="https://bugs.launchpad.net/nova">bugs</a>
<iframe src="https://www.youtube.com/embed/abc"></iframe>
</body></html>"""

CSS = """@import "https://fonts.test/font.css";
/* a comment: url(https://commented.test/y.png) */
.b { background: url(https://style.test/b.png) no-repeat; }
.c { background: url(../img/c.png); }"""


def test_collect_urls_finds_every_kind_of_external_url(tmp_path):
    site = write_tree(
        tmp_path / "site",
        {"slides/index.html": DECK, "explanation/openstack.html": PAGE, "_static/talk.css": CSS},
    )
    assert collect_urls(site) == {
        "https://cdn.example.net/reveal.css": {"slides/index.html"},
        "https://img.test/og.png": {"slides/index.html"},
        "https://style.test/bg.png": {"slides/index.html"},
        "https://img.test/cloud.jpg": {"slides/index.html"},
        "https://www.youtube.com/embed/abc": {"slides/index.html", "explanation/openstack.html"},
        "https://video.test/a.mp4": {"slides/index.html"},
        "https://img.test/lazy.png": {"slides/index.html"},
        "https://img.test/a.png": {"slides/index.html"},
        "https://img.test/a,2.png": {"slides/index.html"},
        "https://github.com/openstack/nova#readme": {
            "slides/index.html",
            "explanation/openstack.html",
        },
        "https://style.test/inline.png": {"slides/index.html"},
        "https://github.com/openstack/nova": {"explanation/openstack.html"},
        "https://bugs.launchpad.net/nova": {"explanation/openstack.html"},
        "https://fonts.test/font.css": {"_static/talk.css"},
        "https://style.test/b.png": {"_static/talk.css"},
    }


def test_srcset_and_css_are_read_by_their_own_rules():
    assert srcset_urls("a.png, b.png 2x,c.png 100w ,  d.png") == ["a.png", "b.png", "c.png", "d.png"]
    assert srcset_urls("https://x.test/a,b.png 1x") == ["https://x.test/a,b.png"]
    assert css_urls("/* url(no) */ a{b:url( 'x' )} @import 'y'; c{d:url(z)}") == ["x", "y", "z"]


# -- one URL, each kind of answer -------------------------------------------------


def test_working_url_is_asked_once_and_reported_with_its_real_address(tmp_path, internet):
    internet.route(NOVA, Reply(200))
    write_tree(
        tmp_path / "site",
        {
            "index.html": html_page(NOVA, NOVA),
            "explanation/openstack.html": html_page(NOVA),
            "slides/index.html": html_page(NOVA),
        },
    )
    rows, report = run(tmp_path, fast())
    assert internet.methods_for(NOVA) == ["HEAD"]
    assert internet.seen[0].host == "github.com"  # asked by name, through the proxy
    assert report.requests == 1
    assert written_rows(tmp_path) == {
        NOVA: {
            "uri": NOVA,
            "status": "working",
            "code": 200,
            "info": "",
            "documents": ["explanation/openstack.html", "index.html", "slides/index.html"],
            "outputs": ["deck", "handbook"],
            "cached": False,
        }
    }


def test_plain_http_goes_through_the_proxy_too(tmp_path, internet):
    internet.route("http://wiki.openstack.org/HowToContribute", Reply(200))
    rows, _ = run(tmp_path, fast(), "http://wiki.openstack.org/HowToContribute")
    assert rows["http://wiki.openstack.org/HowToContribute"].status == "working"
    assert internet.methods_for("http://wiki.openstack.org/HowToContribute") == ["HEAD"]


def test_404_is_broken_after_head_then_get(tmp_path, internet):
    gone = "https://github.com/openstack/gone"
    internet.route(gone, Reply(404))
    rows, _ = run(tmp_path, fast(), gone)
    assert internet.methods_for(gone) == ["HEAD", "GET"]
    assert (rows[gone].status, rows[gone].code) == ("broken", 404)


def test_head_refused_falls_back_to_get(tmp_path, internet):
    internet.route(BUGS, lambda seen: Reply(405) if seen.method == "HEAD" else Reply(200))
    rows, _ = run(tmp_path, fast(), BUGS)
    assert internet.methods_for(BUGS) == ["HEAD", "GET"]
    assert (rows[BUGS].status, rows[BUGS].code) == ("working", 200)


def test_redirect_is_reported_with_its_target(tmp_path, internet):
    internet.route(BUGS, Reply.redirect(BUGS + "/+bugs"))
    internet.route(BUGS + "/+bugs", Reply(200))
    rows, _ = run(tmp_path, fast(), BUGS)
    assert (rows[BUGS].status, rows[BUGS].code, rows[BUGS].info) == (
        "redirected",
        301,
        BUGS + "/+bugs",
    )


def test_allowed_redirect_is_working(tmp_path, internet):
    old = "https://review.openstack.org/"
    internet.route(old, Reply.redirect("https://review.opendev.org/", 302))
    internet.route("https://review.opendev.org/", Reply(200))
    allowed = [(re.compile(r"^https://review\.openstack\.org"), re.compile(r"^https://review\.opendev\.org/"))]
    rows, _ = run(tmp_path, fast(allowed_redirects=allowed), old)
    assert (rows[old].status, rows[old].code) == ("working", 302)
    assert rows[old].info == "allowed redirect to https://review.opendev.org/"


def test_trailing_slash_redirect_is_the_same_page(tmp_path, internet):
    internet.route("https://opendev.org/openstack/nova", Reply.redirect("/openstack/nova/"))
    internet.route("https://opendev.org/openstack/nova/", Reply(200))
    rows, _ = run(tmp_path, fast(), "https://opendev.org/openstack/nova")
    assert rows["https://opendev.org/openstack/nova"].status == "working"


def test_ignored_urls_are_not_asked_nor_are_redirects_to_them(tmp_path, internet):
    internet.route(NOVA, Reply.redirect("https://login.test/sso?next=nova", 302))
    ignore = [re.compile(r"^https://login\.test/"), re.compile(r"^https?://localhost[:/]")]
    settings = fast(ignore=ignore)
    settings.reasons = {ignore[1].pattern: "examples on the reader's machine"}
    rows, _ = run(tmp_path, settings, NOVA, "http://localhost:8080/dashboard")
    local = rows["http://localhost:8080/dashboard"]
    assert (local.status, local.info) == (
        "ignored",
        "linkcheck_ignore '^https?://localhost[:/]': examples on the reader's machine",
    )
    assert rows[NOVA].status == "ignored" and "login.test" in rows[NOVA].info
    assert [seen.url for seen in internet.seen] == [NOVA]


def test_redirect_loop_and_malformed_urls_are_broken(tmp_path, internet):
    internet.route(BUGS, Reply.redirect(BUGS + "/"))
    internet.route(BUGS + "/", Reply.redirect(BUGS))
    bad = "https://github.com:http/openstack"
    rows, _ = run(tmp_path, fast(), BUGS, bad)
    assert rows[BUGS].status == "broken" and "redirects" in rows[BUGS].info
    # 11 requests by HEAD, then 11 by GET, half of them to each end of the loop.
    assert internet.methods_for(BUGS) == ["HEAD"] * 6 + ["GET"] * 6
    assert rows[bad].status == "broken" and "InvalidURL" in rows[bad].info


# -- politeness and robustness -------------------------------------------------------


def test_429_waits_as_retry_after_says(tmp_path, internet):
    internet.route(NOVA, Reply(429, headers={"Retry-After": "1"}), Reply(200))
    rows, _ = run(tmp_path, fast(), NOVA)
    first, second = internet.requests_for(NOVA)
    assert (first.status, second.status) == (429, 200)
    assert second.received - first.answered >= 0.95
    assert (rows[NOVA].status, rows[NOVA].code) == ("working", 200)


def test_retry_after_is_seconds_or_an_http_date():
    now = 1_700_000_000.0
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Tue, 14 Nov 2023 22:15:20 GMT", now) == pytest.approx(120, abs=1)
    assert parse_retry_after("Mon, 13 Nov 2023 00:00:00 GMT", now) == 0  # in the past
    assert parse_retry_after("soon", now) is None


def test_429_longer_than_the_rate_limit_timeout_gives_up_at_once(tmp_path, internet):
    internet.route(NOVA, Reply(429, headers={"Retry-After": "3600"}))
    started = time.monotonic()
    rows, _ = run(tmp_path, fast(rate_limit_timeout=5.0), NOVA)
    assert time.monotonic() - started < 2
    assert (rows[NOVA].status, rows[NOVA].code) == ("timeout", 429)
    assert "linkcheck_rate_limit_timeout" in rows[NOVA].info


def test_slow_answer_is_a_timeout_after_retries(tmp_path, internet):
    internet.route(NOVA, Reply(200, delay=1.0))
    started = time.monotonic()
    rows, _ = run(tmp_path, fast(timeout=0.3, retries=2), NOVA)
    assert time.monotonic() - started < 1.5
    assert internet.methods_for(NOVA) == ["HEAD", "HEAD"]  # one retry, then given up
    assert (rows[NOVA].status, rows[NOVA].code) == ("timeout", 0)
    assert "after 2 attempts" in rows[NOVA].info


def test_connection_reset_then_success_is_working(tmp_path, internet):
    internet.route(NOVA, Reply(reset=True), Reply(reset=True), Reply(200))
    rows, _ = run(tmp_path, fast(retries=2), NOVA)
    # HEAD reset, GET reset: the attempt failed; after the back-off HEAD works.
    assert internet.methods_for(NOVA) == ["HEAD", "GET", "HEAD"]
    assert rows[NOVA].status == "working"


def test_connection_reset_every_time_is_broken(tmp_path, internet):
    internet.route(NOVA, Reply(reset=True))
    rows, _ = run(tmp_path, fast(retries=2), NOVA)
    assert internet.methods_for(NOVA) == ["HEAD", "GET", "HEAD", "GET"]
    assert rows[NOVA].status == "broken"
    # Through a CONNECT tunnel the client sees the tunnel end without an answer.
    assert re.search(r"reset|closed connection without response", rows[NOVA].info)


def test_server_errors_are_retried_with_backoff(tmp_path, internet):
    internet.route(NOVA, Reply(503), Reply(503), Reply(503), Reply(503), Reply(200))
    rows, _ = run(tmp_path, fast(retries=3, backoff=0.2), NOVA)
    seen = internet.requests_for(NOVA)
    assert [s.method for s in seen] == ["HEAD", "GET", "HEAD", "GET", "HEAD"]
    assert seen[2].received - seen[1].answered >= 0.19  # first back-off
    assert seen[4].received - seen[3].answered >= 0.39  # doubled
    assert rows[NOVA].status == "working"


def test_requests_per_host_are_capped(tmp_path, internet):
    hosts = ["github.com", "opendev.org"]
    urls = [f"https://{host}/openstack/p{i}" for host in hosts for i in range(9)]
    internet.default = Reply(200, delay=0.15)
    run(tmp_path, fast(per_host=3, workers=18), *urls)  # workers enough to crowd a host
    assert internet.max_active == {"github.com": 3, "opendev.org": 3}
    # The cap is per host, not for the run: the two hosts were served at once.
    github = [s for s in internet.seen if s.host == "github.com"]
    opendev = [s for s in internet.seen if s.host == "opendev.org"]
    assert any(a.received < b.answered and b.received < a.answered for a in github for b in opendev)


# -- anchors ------------------------------------------------------------------------


def test_anchors_present_and_missing(tmp_path, internet):
    page = "https://docs.openstack.org/nova/latest/"
    internet.route(page, Reply.page("install", "caf%C3%A9-ok", names=("legacy",)))
    urls = [page + "#install", page + "#legacy", page + "#missing", page]
    rows, _ = run(tmp_path, fast(), *urls)
    assert internet.methods_for(page) == ["GET"]  # one GET serves every anchor
    assert rows[page + "#install"].status == "working"
    assert rows[page + "#legacy"].status == "working"
    assert rows[page + "#missing"].status == "broken"
    assert rows[page + "#missing"].info == f"anchor #missing not found in {page}"
    assert rows[page].status == "working"


def test_anchors_of_pages_that_are_not_html_are_not_looked_for(tmp_path, internet):
    pdf = "https://www.openstack.org/assets/report.pdf"
    internet.route(pdf, Reply(200, b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"}))
    latin = "https://wiki.openstack.org/wiki/Caf%C3%A9"
    body = '<h1 id="caf\u00e9">Caf\u00e9</h1>'.encode("latin-1")
    internet.route(latin, Reply(200, body, headers={"Content-Type": "text/html; charset=iso-8859-1"}))
    rows, _ = run(tmp_path, fast(), pdf + "#page=2", latin + "#caf%C3%A9")
    assert (rows[pdf + "#page=2"].status, rows[pdf + "#page=2"].info) == (
        "working",
        "anchor not checked: the page is application/pdf",
    )
    assert rows[latin + "#caf%C3%A9"].status == "working"  # decoded by its charset


def test_github_user_content_anchors(tmp_path, internet):
    readme = "<article><h2 id='user-content-getting-started'>Getting started</h2></article>"
    internet.route(NOVA, Reply(200, readme))
    internet.route("https://opendev.org/openstack/nova", Reply(200, readme))
    urls = [NOVA + "#getting-started", "https://opendev.org/openstack/nova#getting-started"]
    rows, _ = run(tmp_path, fast(), *urls)
    assert rows[NOVA + "#getting-started"].status == "working"
    # The prefix is GitHub's: elsewhere the id must be the anchor itself.
    assert rows["https://opendev.org/openstack/nova#getting-started"].status == "broken"
    assert anchor_names("a%20b", NOVA) == {"a%20b", "a b", "user-content-a%20b", "user-content-a b"}


def test_ignored_anchors_leave_the_page_check_to_head(tmp_path, internet):
    internet.route("https://revealjs.com/", Reply(200))
    settings = fast(anchors_ignore=[re.compile("^/")])
    rows, _ = run(tmp_path, settings, "https://revealjs.com/#/fragments")
    assert rows["https://revealjs.com/#/fragments"].status == "working"
    assert internet.methods_for("https://revealjs.com/") == ["HEAD"]


# -- the cache -----------------------------------------------------------------------


def test_second_run_asks_nothing_known_to_work(tmp_path, internet):
    old = "https://review.openstack.org/"
    internet.route(NOVA, Reply.page("readme"))
    internet.route(BUGS, Reply(200))
    internet.route(old, Reply.redirect("https://review.opendev.org/"))
    internet.route("https://review.opendev.org/", Reply(200))
    allowed = [(re.compile(r"^https://review\.openstack\.org"), re.compile(r"^https://review\.opendev\.org/"))]
    settings = fast(allowed_redirects=allowed)
    urls = (NOVA + "#readme", BUGS, old)
    first, _ = run(tmp_path, settings, *urls)
    assert {row.status for row in first.values()} == {"working"}
    internet.forget()
    second, report = run(tmp_path, settings)
    assert internet.seen == [] and report.requests == 0
    assert all(row.cached for row in second.values())
    assert second[old].info == "allowed redirect to https://review.opendev.org/"
    # When the redirect is no longer allowed, the cached result no longer holds.
    third, _ = run(tmp_path, fast())
    assert third[old].status == "redirected"
    assert [seen.url for seen in internet.seen] == [old, "https://review.opendev.org/"]


def test_failures_are_never_cached(tmp_path, internet):
    internet.route(NOVA, Reply(404))
    internet.route(BUGS, Reply.redirect(BUGS + "/+bugs"))
    internet.route(BUGS + "/+bugs", Reply(200))
    internet.route(REVIEW, Reply.page("ok"))
    urls = (NOVA, BUGS, REVIEW + "#missing")
    run(tmp_path, fast(), *urls)
    internet.forget()
    rows, report = run(tmp_path, fast())
    assert {seen.url for seen in internet.seen} == {NOVA, BUGS, BUGS + "/+bugs", REVIEW}
    assert not any(row.cached for row in rows.values())
    cache = json.loads((tmp_path / "out" / "cache.json").read_text())
    assert cache["entries"] == {}


def test_cache_age_limits_and_zero_disables(tmp_path, internet):
    internet.route(NOVA, Reply(200))
    run(tmp_path, fast(), NOVA)
    cache_file = tmp_path / "out" / "cache.json"
    data = json.loads(cache_file.read_text())
    data["entries"][NOVA]["checked"] -= 7200
    cache_file.write_text(json.dumps(data))
    internet.forget()
    run(tmp_path, fast(cache_max_age=3600))  # two hours old: too old
    assert internet.methods_for(NOVA) == ["HEAD"]
    internet.forget()
    run(tmp_path, fast(), max_age=0)  # --cache-max-age 0
    assert internet.methods_for(NOVA) == ["HEAD"]


def test_a_new_anchor_on_a_cached_page_is_checked(tmp_path, internet):
    page = "https://docs.openstack.org/nova/latest/"
    internet.route(page, Reply.page("a", "b"))
    run(tmp_path, fast(), page + "#a")
    internet.forget()
    write_tree(tmp_path / "site", {"index.html": html_page(page + "#a", page + "#b")})
    rows, _ = run(tmp_path, fast())
    assert internet.methods_for(page) == ["GET"]
    assert rows[page + "#b"].status == "working" and not rows[page + "#b"].cached


# -- the environment: proxies and certificates ---------------------------------------


class _Direct(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_no_proxy_is_honoured(tmp_path, internet, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Direct)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        direct = f"http://127.0.0.1:{server.server_address[1]}/status"
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        internet.route(NOVA, Reply(200))
        rows, _ = run(tmp_path, fast(), direct, NOVA)
    finally:
        server.shutdown()
        server.server_close()
    assert (rows[direct].status, rows[direct].code) == ("working", 204)
    assert [seen.url for seen in internet.seen] == [NOVA]  # the proxy never saw it


def test_the_ca_bundle_comes_from_the_environment(tmp_path, internet, monkeypatch):
    internet.route(NOVA, Reply(200))
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    rows, _ = run(tmp_path, fast(), NOVA)
    assert rows[NOVA].status == "broken" and "TLS" in rows[NOVA].info
    # requests reads only REQUESTS_CA_BUNDLE; we read SSL_CERT_FILE as well.
    monkeypatch.setenv("SSL_CERT_FILE", str(internet.ca_file))
    rows, _ = run(tmp_path, fast(), NOVA)
    assert rows[NOVA].status == "working"


# -- the command ----------------------------------------------------------------------


def command(tmp_path: Path, *args: str, conf: str = "") -> tuple[int, str, str]:
    (tmp_path / "conf").mkdir(exist_ok=True)
    (tmp_path / "conf" / "conf.py").write_text(conf, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["--out", str(tmp_path / "out"), "--conf", str(tmp_path / "conf"), *args]
    with contextlib.redirect_stderr(err):
        code = cli.main(argv, out=out)
    return code, out.getvalue(), err.getvalue()


FAST_CONF = "linkcheck_timeout = 2\nlinkcheck_retries = 2\ntalkbook_linkcheck_backoff = 0.05\n"


def test_command_reports_and_exits_1_on_a_broken_url(tmp_path, internet):
    internet.route(NOVA, Reply(200))
    internet.route(BUGS, Reply(404))
    write_tree(
        tmp_path / "site",
        {"index.html": html_page(NOVA, BUGS), "slides/index.html": html_page(BUGS)},
    )
    code, out, err = command(tmp_path, "--site", str(tmp_path / "site"), conf=FAST_CONF)
    assert (code, err) == (1, "")
    assert re.search(r"working\s+1\n\s+redirected\s+0\n\s+broken\s+1\n", out)
    assert f"broken    404  {BUGS}" in out
    assert "in index.html, slides/index.html" in out
    assert written_rows(tmp_path)[BUGS]["outputs"] == ["deck", "handbook"]


def test_command_exits_0_when_all_work_and_honours_cache_max_age(tmp_path, internet):
    internet.route(NOVA, Reply(200))
    site_with(tmp_path, NOVA)
    args = ("--site", str(tmp_path / "site"))
    assert command(tmp_path, *args, conf=FAST_CONF)[0] == 0
    assert command(tmp_path, *args, conf=FAST_CONF)[0] == 0
    assert internet.methods_for(NOVA) == ["HEAD"]  # the second run used the cache
    assert command(tmp_path, *args, "--cache-max-age", "0", conf=FAST_CONF)[0] == 0
    assert internet.methods_for(NOVA) == ["HEAD", "HEAD"]


@pytest.mark.parametrize(
    ("site", "conf", "message"),
    [
        ("missing", "", "no such folder"),
        ("empty", "", "holds no .html file"),
        ("ok", "raise RuntimeError('boom')", "RuntimeError: boom"),
        ("ok", "talkbook_linkcheck_per_host = '4'", "talkbook_linkcheck_per_host must be"),
        ("ok", "linkcheck_ignore = ['(']", "linkcheck_ignore[0] = '(' is not a regular"),
        ("ok", "linkcheck_retries = 0", "linkcheck_retries must be 1 or more"),
    ],
)
def test_command_errors_are_one_line_and_exit_2(tmp_path, site, conf, message):
    (tmp_path / "empty").mkdir()
    write_tree(tmp_path / "ok", {"index.html": html_page()})
    code, out, err = command(tmp_path, "--site", str(tmp_path / site), conf=conf)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("linkcheck: error: ")
    assert message in err and "Traceback" not in err


def test_command_runs_as_a_module(tmp_path, internet):
    """``python -m talkbook.linkcheck``, as the Makefile calls it (a child process)."""
    internet.route(NOVA, Reply(200))
    site_with(tmp_path, NOVA)
    (tmp_path / "conf.py").write_text(FAST_CONF)
    result = subprocess.run(
        [sys.executable, "-m", "talkbook.linkcheck", "--site", str(tmp_path / "site"),
         "--out", str(tmp_path / "out"), "--conf", str(tmp_path)],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "working        1" in result.stdout
    assert internet.methods_for(NOVA) == ["HEAD"]


# -- configuration ------------------------------------------------------------------------


def test_project_conf_is_read_and_every_exception_says_why():
    settings = load_settings(REPO)
    assert settings.per_host >= 1 and settings.deck_path == "slides"
    entries = conf_entries(REPO / "conf.py")
    namespace: dict = {"__file__": str(REPO / "conf.py")}
    exec(compile((REPO / "conf.py").read_text(), "conf.py", "exec"), namespace)
    for name in REASONED:
        mine = [entry for entry in entries if entry.setting == name]
        # Every entry is a literal we can see, so none escapes the rule...
        assert len(mine) == len(namespace.get(name, ())), name
        for entry in mine:  # ...and each gives its reason.
            assert len(entry.reason.split()) >= 3, f"conf.py:{entry.line}: {name} {entry.text!r} needs a reason"


def test_conf_entries_reads_reasons_beside_and_above(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text(
        "linkcheck_ignore = [\n"
        "    r'^a',  # beside\n"
        "    # above, line one\n"
        "    # and two\n"
        "    r'^b',\n"
        "    r'^c',\n"
        "]\n"
        "linkcheck_allowed_redirects = {r'^d': r'^e'}  # on the line\n"
    )
    reasons = {(e.setting, e.text): e.reason for e in conf_entries(conf)}
    assert reasons == {
        ("linkcheck_ignore", "^a"): "beside",
        ("linkcheck_ignore", "^b"): "above, line one and two",
        ("linkcheck_ignore", "^c"): "",
        ("linkcheck_allowed_redirects", "^d"): "on the line",
    }


def test_setup_linkcheck_declares_our_config_values():
    declared = {}

    class App:
        def add_config_value(self, name, default, rebuild, types):
            declared[name] = (default, types)

    setup_linkcheck(App())
    assert declared == {name: (default, types) for name, (default, types, _) in TALKBOOK_VALUES.items()}
    assert declared["talkbook_linkcheck_per_host"][0] == 4
    assert declared["talkbook_linkcheck_cache_max_age"][0] == 86400


# -- completeness: every URL of a site is in the report ------------------------------------


def assert_report_complete(site: Path, out: Path, settings: Settings) -> None:
    """Every external href/src of the site's HTML, found by BeautifulSoup, has a row."""
    rows = {row["uri"]: row for row in json.loads((out / "output.json").read_text())}
    wanted = set()
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for name in ("href", "src"):
                value = (tag.get(name) or "").strip()
                if value.startswith("//"):
                    value = "https:" + value
                if value.startswith(("http://", "https://")):
                    wanted.add(value.rstrip("#"))
    missing = sorted(url for url in wanted if url not in rows)
    assert not missing, f"URLs of the site missing from the report: {missing}"
    for url in wanted:
        if rows[url]["status"] == "ignored" and "redirects to" not in rows[url]["info"]:
            pattern = settings.ignored_by(url)
            assert pattern is not None and settings.reasons.get(pattern.pattern), url


def test_report_is_complete_on_a_synthetic_site(tmp_path, internet):
    internet.default = Reply(200)
    write_tree(
        tmp_path / "site",
        {"slides/index.html": DECK, "explanation/openstack.html": PAGE, "_static/talk.css": CSS},
    )
    settings = fast(ignore=[re.compile(r"^https://cdn\.example\.net/")])
    settings.reasons = {r"^https://cdn\.example\.net/": "a placeholder"}
    check_site(tmp_path / "site", tmp_path / "out", settings)
    assert_report_complete(tmp_path / "site", tmp_path / "out", settings)


def test_report_is_complete_on_the_built_site(built_site, tmp_path, internet):
    """The real site, built by the Makefile: nothing it links to escapes the check."""
    site = getattr(built_site, "site", built_site)
    internet.default = Reply(200)
    settings = load_settings(REPO)
    settings.timeout, settings.retries, settings.backoff = 2.0, 1, 0.05
    report = check_site(site, tmp_path / "out", settings, cache_max_age=0)
    assert report.rows, "the built site links to nothing outside?"
    assert {"deck", "handbook"} <= {o for row in report.rows for o in row.outputs}
    assert_report_complete(site, tmp_path / "out", settings)
