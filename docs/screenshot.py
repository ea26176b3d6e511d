"""Takes the README's screenshots with the starter model, offscreen:
docs/screenshot.png (a chat) and docs/screenshot-writing.png (the writing desk with ghost text).

Run with `.venv/bin/python docs/screenshot.py [OUT_DIR]`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.generation import LoadParams  # noqa: E402
from app.core.paths import AppPaths, find_starter_model  # noqa: E402
from app.engine.host import EngineHost  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

DRAFT = (
    "The lighthouse keeper had not spoken to anyone in three weeks when the boat appeared.\n\n"
    "It came through the fog without a light, its sail torn. He watched it from the gallery, "
    "the lamp in one hand and the logbook in the other, and then he went down the stairs"
)


def wait_for(signal, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as data_dir:
        paths = AppPaths.resolve(data_dir)
        paths.ensure()
        host = EngineHost()
        window = MainWindow(host, paths, LoadParams(n_ctx=4096))
        window.resize(1100, 680)
        window.show()
        window.load_model(find_starter_model())
        wait_for(host.loaded)

        window.max_tokens = 160
        window.chat_input.setPlainText("Give me three tips for writing a short story, as a list.")
        window.send()
        wait_for(host.finished)
        window.chat_input.setPlainText("Which one matters most?")
        app.processEvents()
        window.grab().save(str(out_dir / "screenshot.png"))

        window.mode_tabs.setCurrentWidget(window.writing_desk)
        desk = window.writing_desk
        desk.editor.setPlainText(DRAFT)
        desk.memory_edit.setPlainText("Setting: a lighthouse on the Yorkshire coast, 1920s.\nTone: quiet, patient.")
        desk.note_edit.setPlainText("The visitor is someone he knows.")
        cursor = desk.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        desk.editor.setTextCursor(cursor)
        desk.continue_at_cursor()
        wait_for(host.finished)
        app.processEvents()
        window.grab().save(str(out_dir / "screenshot-writing.png"))
        window.close()
    print(out_dir / "screenshot.png", out_dir / "screenshot-writing.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
