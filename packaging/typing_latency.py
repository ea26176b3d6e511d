"""How long the writing desk keeps the GUI thread busy per keystroke on a large draft, autosave
included. Types into a real WritingDesk (offscreen) at a steady pace, as a writer would, and
reports the time each key took to handle and each save took.

    .venv/bin/python packaging/typing_latency.py [--chars 200000] [--seconds 5] [--interval-ms 100]

Not a test: the numbers depend on the machine and its disk. A key that arrives while a save
runs waits for it, so the worst delay a writer can feel is about the worst key plus the
worst save.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(chars: int, seconds: float, interval_ms: int) -> dict[str, list[float]]:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.core.store import Store
    from app.engine.host import EngineHost
    from app.ui.writing_desk import WritingDesk

    app = QApplication.instance() or QApplication([])
    scratch = tempfile.TemporaryDirectory(prefix="inkwell-typing-")
    folder = Path(scratch.name)
    store = Store(folder / "inkwell.db")
    # Paragraphs of ~800 characters, as a novel has (one 200,000-character line would
    # measure Qt's line layout instead).
    paragraph = "The lighthouse keeper climbed the stairs for the last time, counting each step. " * 10 + "\n\n"
    body = (paragraph * (chars // len(paragraph) + 1))[:chars]
    store.create_document(body=body)
    host = EngineHost()
    desk = WritingDesk(store, host)
    desk.resize(1000, 700)
    desk.show()
    cursor = desk.editor.textCursor()
    cursor.setPosition(len(desk.editor.toPlainText()))
    desk.editor.setTextCursor(cursor)
    desk.editor.setFocus()

    saves: list[float] = []
    original_save = desk.save

    def timed_save() -> None:
        began = time.perf_counter()
        original_save()
        saves.append(time.perf_counter() - began)

    # The timers were connected to the bound method at construction: reconnect them.
    desk._autosave.timeout.disconnect()
    desk._autosave.timeout.connect(timed_save)
    if hasattr(desk, "_autosave_deadline"):
        desk._autosave_deadline.timeout.disconnect()
        desk._autosave_deadline.timeout.connect(timed_save)

    counts: list[float] = []  # a long draft's word count, recounted on a timer while typing
    if hasattr(desk, "_word_count_timer"):
        original_count = desk._update_word_count

        def timed_count() -> None:
            began = time.perf_counter()
            original_count()
            counts.append(time.perf_counter() - began)

        desk._word_count_timer.timeout.disconnect()
        desk._word_count_timer.timeout.connect(timed_count)

    keys: list[float] = []
    text = "and the sea was grey "
    deadline = time.monotonic() + seconds
    index = 0
    while time.monotonic() < deadline:
        began = time.perf_counter()
        QTest.keyClick(desk.editor, text[index % len(text)])
        keys.append(time.perf_counter() - began)
        index += 1
        QTest.qWait(interval_ms)
    saves_while_typing = len(saves)
    QTest.qWait(1200)  # the last save, once the writer stops
    stored = store.get_document(desk.document_id).body
    assert stored == desk.editor.toPlainText(), "the draft on disk differs from the editor"
    desk.close_desk()
    host.shutdown()
    store.close()
    scratch.cleanup()
    return {"keys": keys, "saves": saves[:saves_while_typing], "counts": counts}


def _ms(values: list[float]) -> str:
    if not values:
        return "none"
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return (f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"worst {values[-1] * 1000:.1f} ms (n={len(values)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--interval-ms", type=int, default=100)
    args = parser.parse_args()
    result = measure(args.chars, args.seconds, args.interval_ms)
    print(f"draft: {args.chars:,} characters; a key every {args.interval_ms} ms for {args.seconds:g} s")
    print(f"key handling: {_ms(result['keys'])}")
    print(f"saves while typing: {_ms(result['saves'])}")
    print(f"word counts while typing: {_ms(result['counts'])}")
    # A key that arrives while the GUI thread saves or counts waits for it.
    busy = max(result["saves"] + result["counts"], default=0.0)
    if result["keys"]:
        print(f"worst wait a key can meet: {(max(result['keys']) + busy) * 1000:.1f} ms (worst key + worst other work)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
