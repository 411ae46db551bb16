"""Findings kept per store state: read back equal, renewed by a write, apart per viewer's graphs."""

from __future__ import annotations

import contextlib
import gc
import json
import shutil
import time
from collections import Counter

import pytest

from kg import catalogue, gaps, kept
from kg.access import full_dataset, partner_graphs, viewer_dataset
from kg.catalogue import load_catalogue, run
from kg.gaps import render, report
from kg.renewal import Renewal, renew
from kg.store import Store


@pytest.fixture()
def disk(store_path):
    """The built store on disk, where findings are kept."""
    store = Store(store_path)
    yield store
    del store
    gc.collect()


def rows(result) -> Counter:
    return Counter(tuple(sorted((k, str(v)) for k, v in row.items())) for row in result.rows)


def files(store) -> list[str]:
    place = kept.folder(store)
    return sorted(p.name for p in place.iterdir()) if place.is_dir() else []


def refuse(*args, **kwargs):
    raise AssertionError("computed again instead of read back")


def test_every_report_is_read_back_as_it_was_computed(disk, store, monkeypatch):
    for name, query in load_catalogue().items():
        first = run(disk, query, full_dataset(disk))
        assert rows(first) == rows(run(store, query, full_dataset(store))), name
        with monkeypatch.context() as patched:
            patched.setattr(catalogue, "_computed", refuse)
            again = run(disk, query, full_dataset(disk))
        assert (again.variables, again.rows) == (first.variables, first.rows), name
    assert len(files(disk)) == len(load_catalogue())


def test_the_whole_report_is_read_back_and_renders_the_same(disk, monkeypatch):
    first = report(disk, full_dataset(disk))
    monkeypatch.setattr(gaps, "_computed", refuse)
    again = report(disk, full_dataset(disk))
    assert again == first
    assert render(again, "md") == render(first, "md")
    assert render(again, "json") == render(first, "json")


def test_a_write_renews_the_findings(disk, fresh_store):
    query = load_catalogue()["interoperability-gaps"]
    before = run(disk, query, full_dataset(disk))
    gone = [e.graph for e in partner_graphs(disk) if "/partner/GBR" in e.graph]
    assert gone
    for store in (disk, fresh_store):
        store.replace({}, drop=gone)
    after = run(disk, query, full_dataset(disk))
    assert rows(after) != rows(before)
    assert rows(after) == rows(run(fresh_store, query, full_dataset(fresh_store)))
    generation = str(disk.generation())
    assert files(disk) and all(name.startswith(generation + "-") for name in files(disk))


def test_viewers_with_other_graphs_get_their_own_findings(disk, store):
    query = load_catalogue()["interoperability-gaps"]
    everything = run(disk, query, full_dataset(disk))
    public = run(disk, query, viewer_dataset(disk))
    assert rows(public) != rows(everything)
    assert rows(public) == rows(run(store, query, viewer_dataset(store)))
    assert len(files(disk)) == 2


def test_a_damaged_or_misplaced_file_is_computed_again(disk, store):
    catalogue_ = load_catalogue()
    coverage, gaps_ = catalogue_["coverage"], catalogue_["interoperability-gaps"]
    expected = rows(run(store, coverage, full_dataset(store)))
    run(disk, coverage, full_dataset(disk))
    (name,) = files(disk)
    path = kept.folder(disk) / name
    path.write_text('{"key": [')
    assert rows(run(disk, coverage, full_dataset(disk))) == expected
    head = path.read_bytes().partition(b"\n")[0]
    for body in (b'{"variables": ["a"]}', b'{"variables": [], "kinds": "u", "values": []}', b"[]"):
        path.write_bytes(head + b"\n" + body)  # the right key above a body that is not
        assert rows(run(disk, coverage, full_dataset(disk))) == expected
    run(disk, gaps_, full_dataset(disk))
    other = next(n for n in files(disk) if n != name)
    path.write_bytes((kept.folder(disk) / other).read_bytes())  # another report's answer
    assert rows(run(disk, coverage, full_dataset(disk))) == expected
    assert json.loads(path.read_bytes().partition(b"\n")[0])[3] == "report/coverage"
    head, _, body = (kept.folder(disk) / other).read_bytes().partition(b"\n")
    assert b"/nation/" in body  # an answer still well formed, with one partner changed
    (kept.folder(disk) / other).write_bytes(head + b"\n" + body.replace(b"/nation/", b"/nation/X"))
    truth = rows(run(store, gaps_, full_dataset(store)))
    assert rows(run(disk, gaps_, full_dataset(disk))) == truth


def test_a_folder_that_cannot_be_written_keeps_nothing_and_still_answers(store_path, store):
    (store_path / kept.FOLDER).write_text("not a folder")
    disk = Store(store_path)
    query = load_catalogue()["coverage"]
    assert rows(run(disk, query, full_dataset(disk))) == rows(
        run(store, query, full_dataset(store))
    )
    assert (store_path / kept.FOLDER).read_text() == "not a folder"


def test_a_row_cap_cuts_the_kept_answer_without_changing_it(disk):
    query = load_catalogue()["interoperability-gaps"]
    capped = run(disk, query, full_dataset(disk), row_cap=2)
    assert len(capped.rows) == 2 and capped.truncated
    whole = run(disk, query, full_dataset(disk))
    assert len(whole.rows) > 2 and not whole.truncated


def test_stores_in_memory_or_being_built_keep_nothing(store_path):
    assert kept.folder(Store()) is None
    assert kept.folder(Store(store_path, bulk=True)) is None


def test_renewal_computes_again_the_reports_people_read(disk, monkeypatch):
    profiles = [full_dataset(disk), viewer_dataset(disk)]
    for dataset in profiles:
        report(disk, dataset)
        report(disk, dataset, top=2)
    gone = [e.graph for e in partner_graphs(disk) if "/partner/GBR" in e.graph]
    wanted = kept.entries(disk, "gaps")
    disk.replace({}, drop=gone)
    assert renew(disk, wanted) == 4
    with monkeypatch.context() as patched:
        patched.setattr(gaps, "_computed", refuse)
        renewed = [report(disk, full_dataset(disk)), report(disk, viewer_dataset(disk), top=2)]
    shutil.rmtree(kept.folder(disk))
    assert renewed == [report(disk, full_dataset(disk)), report(disk, viewer_dataset(disk), top=2)]
    assert not any("GBR" in a.partner for a in renewed[0].adoptions)


def wait_for(done, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)


@contextlib.contextmanager
def renewing(store):
    """A renewal daemon on `store`, once it has looked at the store (and renewed what was stale)."""
    daemon = Renewal(store, every=0.05)
    daemon.start()
    try:
        wait_for(lambda: daemon.seen >= 0)
        yield daemon
    finally:
        daemon.stop()
        daemon.join(timeout=120)


def test_the_renewal_daemon_follows_each_write(disk):
    report(disk, full_dataset(disk))
    with renewing(disk) as daemon:
        disk.replace({}, drop=[partner_graphs(disk)[0].graph])
        wait_for(lambda: daemon.renewed >= 1)
    assert daemon.renewed == 1
    assert [k.generation for k in kept.entries(disk, "gaps")] == [disk.generation()]


def test_a_server_starting_after_a_change_renews_what_was_read(disk):
    report(disk, viewer_dataset(disk))
    disk.replace({}, drop=[partner_graphs(disk)[0].graph])  # while no server ran
    with renewing(disk) as daemon:
        pass
    assert daemon.renewed == 1
    assert [k.generation for k in kept.entries(disk, "gaps")] == [disk.generation()]


def test_an_answer_asked_for_twice_at_once_is_computed_once(disk):
    import threading

    dataset, calls = full_dataset(disk), []

    def compute():
        calls.append(threading.get_ident())
        time.sleep(0.5)  # long enough for the second asker to arrive while this runs
        return {"answer": len(calls)}

    def ask(into: list) -> None:
        into.append(kept.through(disk, dataset, "test/once", {}, compute, dict, dict))

    answers: list = []
    askers = [threading.Thread(target=ask, args=(answers,)) for _ in range(3)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(30)
    assert len(calls) == 1 and answers == [{"answer": 1}] * 3
    assert not kept._RUNNING  # nothing left waiting
