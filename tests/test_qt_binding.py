"""The Qt binding must survive a long stream of signals (PySide6 6.12.0 did not)."""

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    chunk = Signal(int, str)


def test_emit_keeps_reference_counts(qapp):
    emitter = Emitter()
    received = []
    emitter.chunk.connect(lambda _rid, text: received.append(text))
    before = sys.getrefcount(True), sys.getrefcount(False)
    for index in range(100):  # few enough that a leaking binding fails here instead of aborting
        emitter.chunk.emit(index, "x")
    assert len(received) == 100
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
