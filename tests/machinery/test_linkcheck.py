"""make linkcheck: Sphinx's linkcheck builder on both outputs, one merged report.

As Sphinx's own link check tests do, each test starts its HTTP servers on
127.0.0.1 and points a small talk at them; nothing else is ever asked.
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from machinery.support import REPO
from talkbook.tools import linkreport


class Handler(http.server.BaseHTTPRequestHandler):
    """A small web: working, gone, redirected, busy (429), slow, with and without anchors."""

    protocol_version = "HTTP/1.1"
    busy_answered: set[str] = set()
    requests: list[str] = []

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/html", "Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):  # noqa: N802 - the standard library's name
        self.do_GET()

    def do_GET(self):  # noqa: N802
        self.requests.append(f"{self.command} {self.path}")
        path = self.path.split("#")[0]
        page = b'<html><body><h1 id="present">A page</h1></body></html>'
        if path in ("/ok", "/slide-only", "/elsewhere-target", "/rendered"):
            self.answer(200, page)
        elif path == "/moved":
            self.answer(302, headers={"Location": "/ok"})
        elif path == "/elsewhere":
            self.answer(302, headers={"Location": "/elsewhere-target"})
        elif path == "/busy":
            if path not in self.busy_answered:
                self.busy_answered.add(path)
                self.answer(429, headers={"Retry-After": "1"})
            else:
                self.answer(200, page)
        elif path == "/slow":
            time.sleep(5)
            self.answer(200, page)
        else:
            self.answer(404, b"<html><body>Not here</body></html>")


@contextmanager
def serve(handler=Handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def copy_talk(rootdir: Path, tmp_path: Path, port: int) -> Path:
    root = tmp_path / "linkcheck"
    shutil.copytree(rootdir / "test-linkcheck", root)
    for page in root.rglob("*.md"):
        page.write_text(page.read_text().replace("PORT", str(port)))
    return root


def check_both(make_app, root: Path, tmp_path: Path) -> tuple[Path, Path]:
    outs = []
    for side, srcdir in (("handbook", root), ("deck", root / "slides")):
        app = make_app("linkcheck", srcdir=srcdir, builddir=tmp_path / f"_build-{side}")
        app.build()
        app.cleanup()
        outs.append(app.outdir)
    return outs[0], outs[1]


def report(root: Path, handbook: Path, deck: Path, out: Path, capsys) -> tuple[int, dict, str]:
    code = linkreport.main(["--handbook", str(handbook), "--deck", str(deck), "--confdir", str(root),
                            "--out", str(out)])
    rows = {}
    for row in map(json.loads, out.read_text().splitlines()):
        parts = urlsplit(row["uri"])  # a row by its path and fragment: "ok#present"
        rows[parts.path.lstrip("/") + (f"#{parts.fragment}" if parts.fragment else "")] = row
    return code, rows, capsys.readouterr().out


def test_every_status_in_one_report_with_its_pages(make_app, rootdir, tmp_path, capsys):
    Handler.busy_answered = set()
    with serve() as port:
        root = copy_talk(rootdir, tmp_path, port)
        handbook, deck = check_both(make_app, root, tmp_path)
        code, rows, printed = report(root, handbook, deck, tmp_path / "output.json", capsys)
    assert code == 1  # a URL is broken
    status = {uri: row["status"] for uri, row in rows.items()}
    assert status == {
        "ok": "working", "ok#present": "working", "ok#absent": "broken", "gone": "broken",
        "moved": "working",  # an allowed redirect
        "elsewhere": "redirected", "busy": "working",  # 429, then a retry after Retry-After
        "slow": "timeout", "slide-only": "working", "rendered": "working",
    }
    assert rows["gone"]["info"].startswith("404 Client Error")
    assert "absent" in rows["ok#absent"]["info"]
    assert rows["elsewhere"]["info"].endswith("/elsewhere-target")
    # Shown by both outputs, checked by both: one row, with every page of both that shows it
    # (Sphinx's own rows name the first page of each).
    assert rows["ok"]["pages"] == ["index.html", "more.html", "slides/index.html"]
    assert rows["ok"]["sources"] == ["index.md:4", "slides/index.md:4"]
    # A link that a template writes is where its {render} directive is.
    line = (root / "more.md").read_text().splitlines().index("```{render} links.md") + 1
    assert rows["rendered"]["sources"] == [f"more.md:{line}"] and rows["rendered"]["pages"] == ["more.html"]
    assert rows["slide-only"]["pages"] == ["slides/index.html"]
    assert set(rows["gone"]) == {"uri", "status", "code", "info", "pages", "sources"}
    assert printed.splitlines()[0] == "10 URLs: 2 broken, 1 timeout, 1 redirected, 6 working"
    assert f"broken: http://127.0.0.1:{port}/gone" in printed and "    on index.html" in printed


def test_all_working_exits_0(make_app, rootdir, tmp_path, capsys):
    with serve() as port:
        root = copy_talk(rootdir, tmp_path, port)
        (root / "index.md").write_text(f"(top)=\n# Links\n\n[works](http://127.0.0.1:{port}/ok)\n")
        handbook, deck = check_both(make_app, root, tmp_path)
        code, rows, printed = report(root, handbook, deck, tmp_path / "output.json", capsys)
    assert code == 0, printed
    assert {row["status"] for row in rows.values()} == {"working"}


class Proxy(Handler):
    """A forward proxy: answers every plain-HTTP request it is given itself."""

    def do_GET(self):  # noqa: N802
        self.requests.append(f"{self.command} {self.path}")
        self.answer(200, b"<html><body>via the proxy</body></html>")


def test_the_proxy_of_the_environment_is_used(make_app, rootdir, tmp_path, capsys, monkeypatch):
    Proxy.requests = []
    with serve(Proxy) as port:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
        root = copy_talk(rootdir, tmp_path, port)
        (root / "index.md").write_text("(top)=\n# Links\n\n[far away](http://far.example.test/page)\n")
        (root / "slides" / "index.md").write_text("(top)=\n# Slide\n")
        handbook, deck = check_both(make_app, root, tmp_path)
        code, rows, _printed = report(root, handbook, deck, tmp_path / "output.json", capsys)
    assert code == 0 and rows["page"]["status"] == "working"
    assert "HEAD http://far.example.test/page" in Proxy.requests


def test_the_certificate_authorities_of_the_environment_are_used(make_app, rootdir, tmp_path, capsys, monkeypatch):
    # A server with a certificate of its own authority: broken, until REQUESTS_CA_BUNDLE names that authority.
    import ssl

    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        root = copy_talk(rootdir, tmp_path, port)
        (root / "index.md").write_text(f"(top)=\n# Links\n\n[secure](https://127.0.0.1:{port}/ok)\n")
        (root / "slides" / "index.md").write_text("(top)=\n# Slide\n")
        (root / "more.md").unlink()  # its plain-HTTP links: this server speaks TLS only
        handbook, deck = check_both(make_app, root, tmp_path / "untrusted")
        _code, rows, _printed = report(root, handbook, deck, tmp_path / "untrusted.json", capsys)
        assert rows["ok"]["status"] == "broken" and "certificate" in rows["ok"]["info"].lower()
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "cert.pem"))
        handbook, deck = check_both(make_app, root, tmp_path / "trusted")
        code, rows, _printed = report(root, handbook, deck, tmp_path / "trusted.json", capsys)
        assert code == 0 and rows["ok"]["status"] == "working"
    finally:
        server.shutdown()
        server.server_close()


def test_a_fact_due_for_a_check_fails_the_report_with_its_file_and_line(rootdir, tmp_path, capsys):
    root = tmp_path / "talk"
    shutil.copytree(rootdir / "test-render", root)
    for side in ("handbook", "deck"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "output.json").write_text("")
    args = ["--handbook", str(tmp_path / "handbook"), "--deck", str(tmp_path / "deck"), "--confdir", str(root),
            "--out", str(tmp_path / "output.json")]
    assert linkreport.main([*args, "--today", "2027-11-29"]) == 0
    assert linkreport.main([*args, "--today", "2027-11-30"]) == 1
    errors = capsys.readouterr().err
    assert f"{root / 'facts.yaml'}:2: fact 'channel' was last checked on 2026-11-30" in errors
    assert "https://source.example.test/channels" in errors


def test_a_link_check_that_did_not_run_is_an_error(tmp_path, capsys):
    assert linkreport.main(["--handbook", str(tmp_path / "none"), "--deck", str(tmp_path / "none"),
                            "--confdir", str(REPO), "--out", str(tmp_path / "output.json")]) == 2
    assert "the handbook's link check did not run" in capsys.readouterr().err


def test_no_module_of_ours_talks_http_itself():
    sources = [p for p in (REPO / "talkbook").rglob("*.py")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for module in ("requests", "urllib3", "http.client"):
            assert f"import {module}" not in text and f"from {module}" not in text, (path, module)
