"""A native crash is never left unexplained: the next start says what happened, once per
surface, in the user's language (app/core/crash.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import QTextBrowser

from app.core import crash
from app.core.paths import AppPaths
from app.core.store import Store
from app.ui.single_instance import server_name

ROOT = Path(__file__).resolve().parent.parent

# The real window in a child process: once the model is loaded it sends a message, and the
# first streamed text kills the process with SIGSEGV, as a crashing llama.cpp kernel would.
WINDOW_THAT_CRASHES = r"""
import os, signal, sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from app.cli import main

def send_when_loaded():
    windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
    if not windows or windows[0].host.model_info is None:
        QTimer.singleShot(100, send_when_loaded)
        return
    window = windows[0]
    box = window.findChild(QPlainTextEdit, "chatInput")
    QTest.keyClicks(box, "Tell me a long story about a lighthouse keeper.")
    window.host.started.connect(lambda generation: generation.chunk.connect(lambda *_: os.kill(os.getpid(), signal.SIGSEGV)))
    QTest.keyClick(box, Qt.Key.Key_Return)

application = QApplication(sys.argv[:1])  # the window's own, created first for the timer
QTimer.singleShot(200, send_when_loaded)
sys.exit(main(["--data-dir", sys.argv[1], "--n-ctx", "1024"]))
"""


def child_env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


def crash_the_window(data_root: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-c", WINDOW_THAT_CRASHES, str(data_root)], env=child_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGSEGV, done.stderr[-2000:]
    # The crashed window's local socket would stay behind in the temporary folder.
    QLocalServer.removeServer(server_name(AppPaths.resolve(data_root).data_dir))
    return done


def crash_the_cli(data_root: Path) -> None:
    """`inkwell chat` killed by SIGSEGV while its reply streams."""
    child = subprocess.Popen([sys.executable, "-m", "app", "chat", "--data-dir", str(data_root), "--n-ctx", "1024",
                              "--max-tokens", "400", "--seed", "1", "Tell me a long story about a lighthouse."],
                             env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.read(1)  # the reply has started
    child.send_signal(signal.SIGSEGV)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGSEGV


def notices(window) -> str:
    return window.findChild(QTextBrowser, "chatView").toPlainText()


def test_a_window_killed_by_sigsegv_while_streaming_is_explained_at_the_next_start(make_window, tmp_path):
    crash_the_window(tmp_path / "inkwell")
    paths = AppPaths.resolve(tmp_path / "inkwell")

    window = make_window(paths, load=False)
    text = notices(window)
    assert "ended in a crash inside the engine (llama.cpp: Segmentation fault) while generating a reply" in text
    assert "SmolLM2" in text and "make llama-portable" in text
    report = next((paths.data_dir / crash.FOLDER).glob("crash-*.txt"))
    assert str(report) in text
    report_text = report.read_text()
    # Every thread's stack, the engine's in the middle of the request, and what it was doing.
    assert "app/engine/worker.py" in report_text and "activity: chat" in report_text
    assert "lighthouse" not in report_text  # never the user's words
    # The reply that was streaming is kept, marked interrupted; the question is there too.
    store = Store(paths.data_dir / "inkwell.db")
    conversation = store.list_conversations()[0]
    path = store.path(conversation.id)
    assert path[0].content.startswith("Tell me a long story")
    assert path[-1].status == "interrupted"
    window.close()

    # Once per crash: the next start says nothing more.
    assert "crash" not in notices(make_window(paths, load=False))


def test_the_crash_notice_is_in_the_interfaces_language(make_window, tmp_path):
    from app.ui.i18n import install_language

    crash_the_cli(tmp_path / "inkwell")
    paths = AppPaths.resolve(tmp_path / "inkwell")
    try:
        install_language("zh_CN", paths.cache_dir)
        text = notices(make_window(paths, load=False))
    finally:
        install_language("en", paths.cache_dir)
    assert "崩溃" in text and "make llama-portable" in text
    assert "The last session" not in text


def test_the_command_line_says_it_once_on_stderr(tmp_path):
    crash_the_cli(tmp_path / "inkwell")
    command = [sys.executable, "-m", "app", "chat", "--data-dir", str(tmp_path / "inkwell"),
               "--max-tokens", "4", "--seed", "1", "Hi"]
    first = subprocess.run(command, env=child_env(), capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "ended in a crash inside the engine (llama.cpp: Segmentation fault) while generating a reply" in first.stderr
    second = subprocess.run(command, env=child_env(), capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "crash" not in second.stderr


def run_child(data_dir: Path, ending: str) -> int:
    code = ("import sys; from pathlib import Path; from app.core import crash; "
            "crash.arm(Path(sys.argv[1]), 'cli'); crash.note_activity(activity='loading', model='big.gguf'); "
            + ending)
    return subprocess.run([sys.executable, "-c", code, str(data_dir)], env=child_env(), timeout=60).returncode


def test_a_killed_or_cleanly_ended_process_leaves_no_report(tmp_path):
    assert run_child(tmp_path, "import os, signal; os.kill(os.getpid(), signal.SIGKILL)") == -signal.SIGKILL
    assert run_child(tmp_path, "pass") == 0
    assert crash.take_crash_reports(tmp_path, "window") == []
    assert list((tmp_path / crash.FOLDER).iterdir()) == []


def test_each_surface_is_told_once(tmp_path):
    assert run_child(tmp_path, "import faulthandler; faulthandler._sigsegv()") == -signal.SIGSEGV
    [report] = crash.take_crash_reports(tmp_path, "cli")
    assert report.facts["activity"] == "loading" and report.fault == "Segmentation fault"
    assert "while loading the model big.gguf" in report.notice()
    assert crash.take_crash_reports(tmp_path, "cli") == []
    assert len(crash.take_crash_reports(tmp_path, "window")) == 1
    assert json.loads(report.path.with_suffix(".json").read_text())["shown"] == ["cli", "window"]


def test_a_damaged_report_is_skipped(tmp_path):
    folder = tmp_path / crash.FOLDER
    folder.mkdir()
    (folder / "crash-20260101-000000-1.json").write_text("[" * 100_000)
    (folder / "running-999999999.json").write_text("not json")
    (folder / "running-999999999.log").write_text("Fatal Python error: Aborted\n")
    reports = crash.take_crash_reports(tmp_path, "window")
    assert [r.fault for r in reports] == ["Aborted"]
