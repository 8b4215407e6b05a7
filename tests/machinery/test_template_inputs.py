"""Data templates: what they pull in is a dependency; a byte-order mark is no content.

Built on a copy of the small furo talk of tests/roots/test-edits, each build
in a child forked from the test (tests/test_incremental.py's build_apart), as
``make`` runs each build in a new process.
"""

from __future__ import annotations

import shutil

from bs4 import BeautifulSoup

from machinery.support import ROOTS, build_apart, differences, edit


def test_a_template_pulled_in_by_another_is_a_dependency_of_the_page(tmp_path):
    root = shutil.copytree(ROOTS / "test-edits", tmp_path / "edits")
    templates = root / "_templates" / "projects"
    (templates / "intro.md").write_text("Our shops:\n", encoding="utf-8")
    (templates / "macros.md").write_text("{% macro shop(p) %}[{{ p.name }}]({{ p.today.shop|url }}){% endmacro %}\n",
                                         encoding="utf-8")
    (templates / "list.md").write_text(
        '{% import "projects/macros.md" as m %}{% include "projects/intro.md" %}\n'
        "{% for project in projects %}\n- {{ m.shop(project) }}: {{ project.summary }}\n{% endfor %}\n",
        encoding="utf-8")
    assert build_apart(root, "handbook", tmp_path / "build")[1] == []
    for step, change in [
        ("the included template", lambda: edit(templates / "intro.md", "Our shops:", "Where we buy:")),
        ("the imported one", lambda: edit(templates / "macros.md", "[{{ p.name }}]", "[Shop {{ p.name }}]")),
    ]:
        change()
        rebuilt, said = build_apart(root, "handbook", tmp_path / "build")
        assert said == []
        clean, _said = build_apart(root, "handbook", tmp_path / f"clean-{step}")
        found = differences(rebuilt, clean)
        assert not found, f"after an edit to {step}:\n" + "\n".join(found)
    page = (rebuilt / "brewing.html").read_text(encoding="utf-8")
    assert "Where we buy:" in page and "Shop " in page


def test_a_byte_order_mark_at_the_start_of_a_template_is_not_content(tmp_path):
    root = shutil.copytree(ROOTS / "test-edits", tmp_path / "edits")
    command = root / "_templates" / "commands" / "brew.md"
    command.parent.mkdir()
    command.write_bytes(b"\xef\xbb\xbf```console\n$ brew --tea sencha\n```\n")
    with open(root / "brewing.md", "a", encoding="utf-8") as page:
        page.write("\n```{render} commands/brew.md\n```\n")
    outdir, said = build_apart(root, "handbook", tmp_path / "build")
    assert said == []
    page = BeautifulSoup((outdir / "brewing.html").read_text(encoding="utf-8"), "html.parser")
    blocks = [pre.get_text() for pre in page.select("div.highlight-console pre")]
    assert blocks == ["$ brew --tea sencha\n"], blocks
    assert "\ufeff" not in page.get_text()
