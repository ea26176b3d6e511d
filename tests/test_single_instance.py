"""One window per data folder: a second `inkwell` hands its model to the running window and
exits; a lock left by a killed window is taken over. Real processes, as a user starts them."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.paths import AppPaths
from app.ui.single_instance import LOCK_FILE, server_name

ROOT = Path(__file__).resolve().parent.parent


def inkwell(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "app", "--data-dir", str(root), *args]


def start(root: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with log.open("w") as stderr:
        return subprocess.Popen(inkwell(root), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)


def lock_owner(root: Path) -> int | None:
    """The process id QLockFile wrote into the data folder's lock, if any."""
    try:
        first_line = (AppPaths.resolve(root).data_dir / LOCK_FILE).read_text().split("\n", 1)[0]
    except OSError:
        return None
    return int(first_line) if first_line.isdigit() else None


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def second_start(root: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    began = time.monotonic()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(inkwell(root, *args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    return done, time.monotonic() - began


def end(process: subprocess.Popen, root: Path | None = None) -> None:
    """Kills a window; with ``root``, also removes the socket that a killed window leaves."""
    if process.poll() is None:
        process.kill()
    process.wait(10)
    if root is not None:
        from PySide6.QtNetwork import QLocalServer

        QLocalServer.removeServer(server_name(AppPaths.resolve(root).data_dir))


def test_a_second_start_hands_its_model_to_the_running_window(tmp_path):
    root, log = tmp_path / "inkwell", tmp_path / "first.log"
    first = start(root, log)
    try:
        wait_for(lambda: lock_owner(root) == first.pid, 60, "the first window")
        wanted = tmp_path / "another model.gguf"
        done, took = second_start(root, "--model", str(wanted))
        assert done.returncode == 0, done.stderr
        assert "already open" in done.stderr
        assert took < 15
        wait_for(lambda: f"another start asked to open {wanted}" in log.read_text(), 10,
                 f"the window to get the request; its log: {log.read_text()!r}; the start's: {done.stderr!r}")
        assert first.poll() is None and lock_owner(root) == first.pid
    finally:
        end(first, root)


def test_a_lock_left_by_a_killed_window_is_taken_over(tmp_path):
    root = tmp_path / "inkwell"
    first = start(root, tmp_path / "first.log")
    try:
        wait_for(lambda: lock_owner(root) == first.pid, 60, "the first window")
    finally:
        end(first)  # SIGKILL: the lock file and the socket stay behind
    assert lock_owner(root) == first.pid
    log = tmp_path / "second.log"
    second = start(root, log)
    try:
        wait_for(lambda: lock_owner(root) == second.pid, 60, "the second start to take the stale lock")
        assert second.poll() is None  # it opened a window instead of handing over
        # And it answers later starts itself (the killed window's socket was replaced).
        done, _ = second_start(root)
        assert done.returncode == 0, done.stderr
        wait_for(lambda: "another start brought this window forward" in log.read_text(), 10,
                 f"the request; its log: {log.read_text()!r}; the start's: {done.stderr!r}")
    finally:
        end(second, root)


def test_each_data_folder_has_its_own_name(tmp_path):
    (tmp_path / "a").mkdir()
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a" / ".." / "a")
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")


def test_a_lock_naming_a_live_process_that_is_no_window_is_taken_over(qapp, tmp_path):
    """The lock of a window that died names a number that a new process now has (after a
    restart, say): Qt believes the owner alive. After the wait, with no window answering,
    the start takes the folder instead of refusing to open for ever."""
    from PySide6.QtCore import QLockFile

    from app.ui.single_instance import Outcome, SingleInstance

    # What a window leaves behind: its lock file, made by QLockFile itself.
    model = QLockFile(str(tmp_path / "model.lock"))
    assert model.tryLock(0)
    lines = (tmp_path / "model.lock").read_text().split("\n")
    model.unlock()
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # same program name
    try:
        (tmp_path / LOCK_FILE).write_text("\n".join([str(stranger.pid), *lines[1:]]))
        instance = SingleInstance(tmp_path)
        began = time.monotonic()
        assert instance.start({"model": ""}, wait_s=1.0) is Outcome.FIRST
        assert 1.0 <= time.monotonic() - began < 5
        assert (tmp_path / LOCK_FILE).read_text().split("\n", 1)[0] == str(os.getpid())
        instance.release()
        assert not (tmp_path / LOCK_FILE).exists()
    finally:
        end(stranger)
