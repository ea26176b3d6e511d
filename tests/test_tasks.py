"""app.ui.tasks: the one primitive for background work that is not the engine's."""

import gc
import logging
import threading
import time

import pytest
import shiboken6
from PySide6.QtCore import QObject

from app.ui.tasks import Tasks, running_tasks

# A worker thread that raises (say, emitting through a deleted QObject) fails the test.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


class Failure(Exception):
    pass


def wait_for(release: threading.Event, task=None, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not release.is_set() and time.monotonic() < deadline:
        if task is not None and task.cancelled.is_set():
            raise Failure("cancelled")
        time.sleep(0.005)


@pytest.fixture
def owner(qapp):
    widget = QObject()
    yield widget
    if shiboken6.isValid(widget):
        shiboken6.delete(widget)


def test_a_replaced_task_never_reaches_the_ui_even_when_it_ends_last(qtbot, owner):
    tasks = Tasks(owner)
    release = threading.Event()
    results, progress = [], []

    def slow(task):
        task.report("slow progress")
        wait_for(release)
        task.report("slow, later")
        return "slow"

    first = tasks.start("listing", slow, succeeded=results.append, progressed=progress.append)
    second = tasks.start("listing", lambda task: (task.report("fast progress"), "fast")[1],
                         succeeded=results.append, progressed=progress.append)
    assert first.replaced and first.cancelled.is_set() and not first.current and second.current
    qtbot.waitUntil(lambda: results == ["fast"], timeout=5_000)
    release.set()
    qtbot.waitUntil(lambda: first.finished, timeout=5_000)
    qtbot.wait(50)
    assert results == ["fast"] and progress == ["fast progress"]
    assert not tasks.running("listing")


def test_running_workers_stay_alive_without_any_reference(qtbot, owner):
    before = running_tasks()
    tasks = Tasks(owner)
    release = threading.Event()
    for _ in range(5):  # each replaces the one before: only the primitive holds those
        tasks.start("scan", lambda task: wait_for(release))
    gc.collect()
    assert running_tasks() == before + 5
    release.set()
    qtbot.waitUntil(lambda: running_tasks() == before, timeout=5_000)
    gc.collect()


def test_cancel_reaches_the_work_which_still_reports_how_it_ended(qtbot, owner):
    tasks = Tasks(owner, expected=(Failure,))
    failures, ended = [], []
    task = tasks.start("download", lambda task: wait_for(threading.Event(), task), failed=failures.append)
    task.ended.connect(lambda: ended.append(True))
    assert tasks.running("download")
    tasks.cancel("download")
    qtbot.waitUntil(lambda: bool(failures), timeout=5_000)
    assert isinstance(failures[0], Failure) and ended == [True]
    assert not tasks.running("download")


def test_kinds_are_independent(qtbot, owner):
    tasks = Tasks(owner)
    results = []
    release = threading.Event()
    tasks.start("download", lambda task: (wait_for(release), "download")[1], succeeded=results.append)
    tasks.start("scan", lambda task: "scan", succeeded=results.append)
    qtbot.waitUntil(lambda: results == ["scan"], timeout=5_000)
    assert tasks.running("download")
    release.set()
    qtbot.waitUntil(lambda: results == ["scan", "download"], timeout=5_000)


def test_an_owner_destroyed_mid_task_cancels_it_and_hears_nothing(qtbot, qapp):
    before = running_tasks()
    owner = QObject()
    tasks = Tasks(owner)
    heard = []
    release = threading.Event()
    task = tasks.start("listing", lambda task: (wait_for(release), task.report(1), "done")[2],
                       succeeded=heard.append, failed=heard.append, progressed=heard.append)
    shiboken6.delete(owner)
    assert task.cancelled.is_set() and not task.current
    release.set()
    qtbot.waitUntil(lambda: running_tasks() == before, timeout=5_000)
    assert heard == []


def test_unexpected_errors_are_reported_and_logged(qtbot, owner, caplog):
    tasks = Tasks(owner, expected=(Failure,))
    failures = []

    def broken(task):
        raise KeyError("bug")

    with caplog.at_level(logging.ERROR, logger="app.ui.tasks"):
        tasks.start("scan", broken, failed=failures.append)
        qtbot.waitUntil(lambda: bool(failures), timeout=5_000)
    assert isinstance(failures[0], KeyError)
    assert "Background task 'scan' failed" in caplog.text and "KeyError" in caplog.text

    caplog.clear()
    tasks.start("scan", lambda task: (_ for _ in ()).throw(Failure("for a person")), failed=failures.append)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5_000)
    assert caplog.text == ""  # an expected failure is the work's answer, not a bug
