"""The project data file: loaded and checked, every mistake named with its file, line and fix."""

from __future__ import annotations

import textwrap

import pytest

from talkbook.data import DataError
from talkbook.projects import load_projects

GOOD = textwrap.dedent(
    """\
    patterns:
      code: https://github.com/openstack/{slug}
      bugs: https://bugs.launchpad.net/{slug}
      blueprints: https://blueprints.launchpad.net/{slug}
      review: https://review.openstack.org
    today:
      as_of: "2026-11"
      code: https://opendev.org/openstack/{slug}
      mirror: https://github.com/openstack/{slug}
      review: https://review.opendev.org
    projects:
      - name: Nova
        slug: nova
        summary: Compute resources (VMs)
      - name: Quantum
        slug: quantum
        summary: Network resources
        renamed: {name: Neutron, slug: neutron, year: 2013}
    """
)


def _write(tmp_path, text):
    path = tmp_path / "projects.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_urls_follow_the_patterns(tmp_path):
    data = load_projects(_write(tmp_path, GOOD))
    nova = data.projects[0]
    assert nova.urls == {
        "code": "https://github.com/openstack/nova",
        "bugs": "https://bugs.launchpad.net/nova",
        "blueprints": "https://blueprints.launchpad.net/nova",
    }
    assert nova.today["code"] == "https://opendev.org/openstack/nova"
    assert nova.today["mirror"] == "https://github.com/openstack/nova"
    assert data.projects[1].today["bugs"] == "https://bugs.launchpad.net/neutron"


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (lambda t: t.replace("    slug: nova\n", "    slug: [nova\n"), 14, "YAML syntax error"),
        (lambda t: t.replace("    summary: Compute resources (VMs)\n", ""), 12, "'summary' must be text, but it is missing"),
        (lambda t: t.replace("summary: Compute resources (VMs)", "summary: [a, list]"), 12, "'summary' must be text, but it is a list"),
        (lambda t: t + "  - name: nova\n    slug: nova2\n    summary: Again\n", 19, "the name 'nova' is already used by the entry on line 12"),
        (lambda t: t.replace("review: https://review.opendev.org", "review: javascript:alert(1)"), 10, "not an http(s) URL"),
        (lambda t: t.replace("code: https://github.com/openstack/{slug}", "code: ftp://example.org/{slug}"), 2, "not an http(s) URL"),
        (lambda t: t.replace("    slug: nova\n", "    slug: nova\n    colour: blue\n"), 12, "unknown field(s) colour"),
    ],
    ids=["syntax", "missing-field", "wrong-type", "duplicate", "javascript-url", "ftp-url", "unknown-field"],
)
def test_bad_data_names_file_line_entry_and_fix(tmp_path, change, line, words):
    path = _write(tmp_path, change(GOOD))
    with pytest.raises(DataError) as caught:
        load_projects(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message
    assert caught.value.fix and caught.value.fix in message


def test_not_utf8_is_reported(tmp_path):
    path = tmp_path / "projects.yaml"
    path.write_bytes(GOOD.encode("utf-8").replace(b"Compute", b"Comp\xe9te"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_projects(path)


def test_kinds_of_links_come_from_the_patterns(tmp_path):
    # No kind is built in: a talk about another project names its own.
    path = _write(tmp_path, textwrap.dedent(
        """\
        patterns:
          source: https://git.example.test/{slug}
          chat: https://chat.example.test
        today:
          as_of: "2026-11"
          docs: https://docs.example.test/{slug}/
        projects:
          - name: Widget
            slug: widget
            summary: Makes widgets
            today: {docs: https://widget.example.test/}
        """))
    data = load_projects(path)
    widget = data.projects[0]
    assert widget.urls == {"source": "https://git.example.test/widget"}
    assert widget.today == {"source": "https://git.example.test/widget", "docs": "https://widget.example.test/"}
    assert data.all_urls() == ["https://git.example.test/widget", "https://widget.example.test/",
                               "https://chat.example.test"]
