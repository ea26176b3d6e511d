"""The kill soak's own arithmetic (tests/soak.py), on a made-up database: no window, no model."""

import importlib.util
import sqlite3
from pathlib import Path

spec = importlib.util.spec_from_file_location("soak", Path(__file__).with_name("soak.py"))
soak = importlib.util.module_from_spec(spec)
spec.loader.exec_module(soak)


def database(body: str = "", content: str = "", status: str = "streaming") -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, content TEXT, status TEXT)")
    conn.execute("INSERT INTO documents VALUES (1, ?)", (body,))
    conn.execute("INSERT INTO messages VALUES (2, ?, ?)", (content, status))
    return conn


def typed(text: str, start: float = 100.0, step: float = 0.1) -> list[dict]:
    return [dict(t=start, event="start", document=1)] + [
        dict(t=start + i * step, event="key", c=c) for i, c in enumerate(text)]


def test_typing_lost_counts_from_the_last_saved_character():
    result = soak.check_typing(database(body="hello"), typed("hello world"), killed_at=101.0)
    assert result["prefix"] and not result["problems"]
    assert result["lost_chars"] == 6
    assert result["lost_s"] == 0.6  # "o" (the 5th key) was typed at 100.4


def test_nothing_saved_loses_everything_since_the_first_key():
    result = soak.check_typing(database(body=""), typed("hello"), killed_at=103.0)
    assert result["lost_s"] == 3.0 and result["lost_chars"] == 5


def test_a_draft_that_is_not_what_was_typed_is_a_problem():
    result = soak.check_typing(database(body="help"), typed("hello"), killed_at=101.0)
    assert result["prefix"] is False and result["problems"]


def test_a_streaming_reply_is_dated_by_the_chunk_that_completed_it():
    events = [dict(t=10.0, event="start", message=2)] + [
        dict(t=11.0 + i, event="chunk", text=text) for i, text in enumerate(["The", " tide", " came"])]
    result = soak.check_streaming(database(content="The tide"), events, killed_at=14.5)
    assert not result["problems"] and result["lost_chars"] == 5
    assert result["lost_s"] == 2.5  # " tide" arrived at 12.0


def test_a_reply_marked_otherwise_before_the_next_start_is_a_problem():
    events = [dict(t=10.0, event="start", message=2), dict(t=11.0, event="chunk", text="The")]
    result = soak.check_streaming(database(content="The", status="interrupted"), events, killed_at=12.0)
    assert result["problems"]


def test_the_spread_is_median_nearest_rank_p90_and_worst():
    summary = soak.spread([3.0, 1.0, 2.0])
    assert summary == dict(median=2.0, p90=3.0, worst=3.0, n=3)
