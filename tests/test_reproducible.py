"""Safe, reproducible output: the same commit gives the same bytes, with no machine paths."""

from __future__ import annotations

import zipfile

from conftest import REPO


# Two builds of the same sources give the same bytes: tests/test_incremental.py
# compares, byte for byte, the site and the zip of a rebuild with a clean build's.


def test_every_time_in_the_download_is_source_date_epochs(built_site):
    # conftest.make builds with SOURCE_DATE_EPOCH=1700000000, as a release build sets it.
    with zipfile.ZipFile(built_site.zip) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_archive_entries_are_sorted_with_fixed_times_and_modes(built_site):
    with zipfile.ZipFile(built_site.zip) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert len({i.date_time for i in infos}) == 1
    assert {(i.external_attr >> 16) & 0o7777 for i in infos} == {0o644}


def test_no_output_contains_a_path_of_the_build_machine(built_site):
    needles = [str(REPO), str(built_site.builddir)]
    offenders = []
    for path in built_site.site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            offenders += [f"{path.relative_to(built_site.site)}: {n}" for n in needles if n.encode() in data]
    with zipfile.ZipFile(built_site.zip) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            offenders += [f"zip:{info.filename}: {n}" for n in needles if n.encode() in data]
    assert offenders == []
