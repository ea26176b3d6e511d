"""Takes docs/screenshot.png: the main window after one exchange with the starter model.

Run with `QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshot.py [OUT.png]`.
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


def wait_for(signal, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("screenshot.png")
    app = QApplication(sys.argv[:1])
    host = EngineHost()
    with tempfile.TemporaryDirectory() as data_dir:
        paths = AppPaths.resolve(data_dir)
        paths.ensure()
        return shoot(app, host, paths, out)


def shoot(app, host, paths, out: Path) -> int:
    window = MainWindow(host, paths, LoadParams(n_ctx=4096))
    window.resize(960, 640)
    window.show()
    window.load_model(find_starter_model())
    wait_for(host.loaded)
    window.max_tokens = 160
    window.chat_input.setPlainText("Give me three tips for writing a short story, as a list.")
    window.send()
    wait_for(host.finished)
    window.chat_input.setPlainText("Which one matters most?")
    app.processEvents()
    window.grab().save(str(out))
    window.close()
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
