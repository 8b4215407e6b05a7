"""This talk's data files: they load, each fact with its source, each project with its addresses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from talkbook.facts import load_facts
from talkbook.projects import load_projects

REPO = Path(__file__).resolve().parents[2]


def test_the_real_facts_file_loads_with_a_source_for_each_fact():
    facts = load_facts(REPO / "source" / "_data" / "facts.yaml")
    assert list(facts)
    for fact in facts:
        assert fact.source.startswith("https://"), fact.name
        assert fact.checked <= dt.date.today(), fact.name


def test_the_real_data_file_loads_and_builds_every_url():
    data = load_projects(REPO / "source" / "_data" / "projects.yaml")
    names = [p.name for p in data.projects]
    assert names == ["Nova", "Cinder", "Swift", "Quantum", "Keystone", "Horizon", "Glance", "Oslo"]
    quantum = data.projects[names.index("Quantum")]
    assert quantum.current_name == "Neutron"
    assert quantum.today["code"].endswith("/neutron") and quantum.urls["code"].endswith("/quantum")
    for url in data.all_urls():
        assert url.startswith("https://")
