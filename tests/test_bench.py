"""`inkwell bench`'s arithmetic, with engines that only pretend (no model)."""

from __future__ import annotations

import json

from app.cli.bench import _stop_latency, format_table, measure_remote
from app.core.generation import GenerationStats


class PretendEngine:
    """Streams ``chunks`` pieces, or fewer when cancelled, like HeadlessEngine.generate."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.cancelled = False

    def generate(self, request, on_text=None) -> GenerationStats:
        self.cancelled = False
        sent = 0
        while sent < self.chunks and not self.cancelled:
            sent += 1
            if on_text is not None:
                on_text("word ")
        return GenerationStats(request.request_id, "cancelled" if self.cancelled else "length",
                               generated_tokens=sent, time_to_first_token=0.01, tokens_per_second=100.0)

    def cancel(self) -> None:
        self.cancelled = True


def test_stop_latency_is_measured_when_stop_fires():
    engine = PretendEngine(chunks=100)
    latency = _stop_latency(engine, 2000)
    assert engine.cancelled and latency is not None and latency >= 0.0


def test_stop_latency_is_not_measured_when_the_reply_ends_first():
    assert _stop_latency(PretendEngine(chunks=2), 2000) is None  # never 0.0: Stop never fired


def test_the_table_and_json_say_when_stop_was_not_measured():
    remote = measure_remote(PretendEngine(chunks=100), PretendEngine(chunks=2), length=8, repeats=2)
    assert remote["local"]["stop_s"] is not None
    assert remote["remote"]["stop_s"] is None
    summary = {"model": "pretend", "n_ctx": 512, "threads": 1, "lengths": {}, "remote": remote,
               "remote_engine": "http://127.0.0.1:1/v1"}
    remote_row = next(line for line in format_table(summary).splitlines() if line.startswith("remote "))
    assert remote_row.split()[-1] == "n/a"
    assert "nothing was measured" in format_table(summary)
    assert json.loads(json.dumps(summary))["remote"]["remote"]["stop_s"] is None  # null in the JSON
