"""The saved-state cache without a model: keys, the file format, the budgets, damaged files."""

from __future__ import annotations

import errno
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.core import state_cache
from app.core.state_cache import (
    CacheFileError,
    ModelFingerprint,
    SavedState,
    StateCache,
    StateKey,
    clear_folder,
    disk_usage,
    file_name,
    read_file,
    write_file,
)

MODEL = ModelFingerprint(size=1000, mtime_ns=123, header_sha256="ab" * 32)
KEY = StateKey(MODEL, n_ctx=4096, kv_type="f16", flash_attention=False, gpu_layers=0, state_format="seq 3")


def saved(session: str = "document:1", size: int = 1000, seed: int = 7) -> SavedState:
    state = bytearray((seed * 31 + i * 7) % 256 for i in range(size))
    return SavedState.of(session, [seed, 1, 2, 3, seed + 1000], state)


def same(a: SavedState | None, b: SavedState) -> bool:
    return a is not None and a.session == b.session and list(a.tokens) == list(b.tokens) and bytes(a.state) == bytes(b.state)


def test_a_state_written_is_read_back_whole_by_another_cache(tmp_path):
    first = StateCache(tmp_path)
    state = saved(size=100_000)
    first.put(KEY, state)
    assert first.flush(10)
    assert (tmp_path / file_name("document:1")).is_file()
    # A new cache, as after a restart: nothing in memory, the file is read.
    second = StateCache(tmp_path)
    assert second.memory_bytes == 0
    assert same(second.get(KEY, "document:1"), state)
    assert second.get(KEY, "conversation:1") is None


@pytest.mark.parametrize("change", [
    {"n_ctx": 2048}, {"kv_type": "q8_0"}, {"flash_attention": True}, {"gpu_layers": 12}, {"state_format": "seq 4"},
    {"model": replace(MODEL, size=1001)}, {"model": replace(MODEL, mtime_ns=124)},
    {"model": replace(MODEL, header_sha256="cd" * 32)},
])
def test_a_state_made_with_another_model_or_setting_is_not_used_and_is_removed(tmp_path, change):
    cache = StateCache(tmp_path)
    cache.put(KEY, saved())
    cache.flush(10)
    other = replace(KEY, **change)
    assert other.digest != KEY.digest
    assert StateCache(tmp_path).get(other, "document:1") is None
    assert not (tmp_path / file_name("document:1")).exists()


def test_the_key_follows_the_model_file(tmp_path):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + bytes(5000))
    first = ModelFingerprint.of(model, header_length=100)
    assert first == ModelFingerprint.of(model, header_length=100)
    data = bytearray(model.read_bytes())
    data[50] = 1  # inside the header
    model.write_bytes(bytes(data))
    os.utime(model, ns=(first.mtime_ns, first.mtime_ns))
    changed = ModelFingerprint.of(model, header_length=100)
    assert changed.size == first.size and changed.mtime_ns == first.mtime_ns
    assert changed.header_sha256 != first.header_sha256
    os.utime(model, ns=(first.mtime_ns + 10**9, first.mtime_ns + 10**9))
    assert ModelFingerprint.of(model, header_length=100).mtime_ns != first.mtime_ns


def written(tmp_path: Path, state: SavedState | None = None) -> Path:
    path = tmp_path / file_name("document:1")
    write_file(path, KEY, state or saved())
    return path


@pytest.mark.parametrize("damage", ["truncated", "one byte flipped", "a byte more", "empty", "not ours",
                                    "a later format", "tokens flipped"])
def test_damaged_and_foreign_files_are_ignored_and_removed(tmp_path, damage, caplog):
    path = written(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "one byte flipped":
        data[-100] ^= 0x40
    elif damage == "a byte more":
        data += b"\0"
    elif damage == "empty":
        data = bytearray()
    elif damage == "not ours":
        data = bytearray(b"GGSQ" + os.urandom(3000))
    elif damage == "a later format":
        data[8] = state_cache.FORMAT_VERSION + 1
    elif damage == "tokens flipped":
        start = data.index(b'"session":"document:1"}') + len(b'"session":"document:1"}') + 4
        data[start] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(CacheFileError):
        read_file(path, KEY, "document:1")
    cache = StateCache(tmp_path)
    assert cache.get(KEY, "document:1") is None
    assert not path.exists()


def test_a_file_claiming_a_huge_state_is_refused_before_anything_is_allocated(tmp_path):
    path = written(tmp_path)
    data = bytearray(path.read_bytes())
    document_end = data.index(b'"session":"document:1"}') + len(b'"session":"document:1"}')
    count = int.from_bytes(data[document_end: document_end + 4], "little")
    length_at = document_end + 4 + 4 * count
    data[length_at: length_at + 8] = (2**62).to_bytes(8, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(CacheFileError, match="truncated"):
        read_file(path, KEY, "document:1")


def test_a_file_for_another_session_is_not_taken_for_this_one(tmp_path):
    path = written(tmp_path)
    os.replace(path, tmp_path / file_name("document:2"))
    assert StateCache(tmp_path).get(KEY, "document:2") is None
    assert not (tmp_path / file_name("document:2")).exists()


def test_memory_keeps_the_newest_states_within_its_budget_and_disk_has_the_rest(tmp_path):
    cache = StateCache(tmp_path, memory_budget=2500)
    states = [saved(f"conversation:{n}", size=1000, seed=n) for n in range(3)]
    for state in states:
        cache.put(KEY, state)
    assert cache.memory_bytes <= 2500
    cache.flush(10)
    assert (KEY.digest, "conversation:0") not in cache._memory  # the oldest left memory
    assert same(cache.get(KEY, "conversation:0"), states[0])  # from its file
    for state in states:
        assert same(cache.get(KEY, state.session), state)


def test_a_state_larger_than_the_memory_budget_still_reaches_the_disk(tmp_path):
    cache = StateCache(tmp_path, memory_budget=100)
    state = saved(size=5000)
    cache.put(KEY, state)
    assert cache.memory_bytes == 0
    assert same(cache.get(KEY, "document:1"), state)  # while it is written, or from the file
    cache.flush(10)
    assert same(StateCache(tmp_path).get(KEY, "document:1"), state)


def test_the_disk_budget_is_kept_by_removing_the_least_recently_used_files(tmp_path):
    one_file = len(b"".join(bytes(part) for part in state_cache.encode(KEY, saved("conversation:0", size=1000))))
    cache = StateCache(tmp_path, disk_budget=int(one_file * 2.5), memory_budget=0)
    for n in range(2):
        cache.put(KEY, saved(f"conversation:{n}", size=1000, seed=n))
        cache.flush(10)
        # Modification times one second apart, so the order does not hang on the clock's grain.
        stamp = time.time() - 100 + n
        os.utime(tmp_path / file_name(f"conversation:{n}"), (stamp, stamp))
    assert cache.get(KEY, "conversation:0") is not None  # used now: conversation:1 is the oldest
    cache.put(KEY, saved("conversation:2", size=1000, seed=2))
    cache.flush(10)
    names = {path.name for path in tmp_path.iterdir()}
    assert names == {file_name("conversation:0"), file_name("conversation:2")}
    assert disk_usage(tmp_path) <= one_file * 2.5


def test_saved_state_never_takes_more_than_a_fraction_of_the_free_disk(tmp_path):
    cache = StateCache(tmp_path, disk_budget=10**12, memory_budget=10**9, free_space=lambda folder: 10_000)
    cache.put(KEY, saved(size=1000))
    cache.put(KEY, saved("document:2", size=5000))  # more than a quarter of 10 kB
    assert cache.flush(10)
    assert (tmp_path / file_name("document:1")).exists()
    assert not (tmp_path / file_name("document:2")).exists()
    assert any("larger than the room allowed" in note for note in cache.notes)
    assert cache.get(KEY, "document:2") is not None  # still in memory


def test_a_full_disk_means_no_file_and_a_note_never_an_error(tmp_path, monkeypatch, caplog):
    def full(path, key, state, pause=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(state_cache, "write_file", full)
    cache = StateCache(tmp_path)
    cache.put(KEY, saved())  # does not raise
    assert cache.flush(10)
    assert list(tmp_path.iterdir()) == []
    assert any("No space left on device" in note for note in cache.notes)
    assert "No space left on device" in caplog.text
    assert cache.get(KEY, "document:1") is not None  # memory still has it


def test_a_write_that_fails_half_way_leaves_no_temporary_file(tmp_path):
    chunks = []

    def disk_fills_up() -> None:
        chunks.append(1)
        if len(chunks) == 5:  # some parts are written already
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        write_file(tmp_path / file_name("document:1"), KEY, saved(), pause=disk_fills_up)
    assert list(tmp_path.iterdir()) == []


def test_the_file_written_in_chunks_is_the_file_encoded(tmp_path, monkeypatch):
    monkeypatch.setattr(state_cache, "WRITE_CHUNK", 1000)  # the state in several chunks
    state = saved(size=4500)
    path = tmp_path / file_name("document:1")
    pauses = []
    size = write_file(path, KEY, state, pause=lambda: pauses.append(1))
    assert path.read_bytes() == b"".join(bytes(part) for part in state_cache.encode(KEY, state))
    assert size == path.stat().st_size
    assert len(pauses) >= 5 + 5  # the header's parts, and the state's five chunks


def test_writing_waits_while_the_engine_is_busy(tmp_path, monkeypatch):
    cache = StateCache(tmp_path)
    cache.busy()  # a request is being evaluated
    cache.put(KEY, saved())
    time.sleep(0.3)
    assert not (tmp_path / file_name("document:1")).exists()
    cache.idle()  # between requests
    deadline = time.monotonic() + 10
    while not (tmp_path / file_name("document:1")).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / file_name("document:1")).exists()


def test_a_busy_engine_delays_a_write_only_so_long(tmp_path, monkeypatch):
    monkeypatch.setattr(state_cache, "MAX_WRITE_DELAY_S", 0.2)
    cache = StateCache(tmp_path)
    cache.busy()  # and never idle again
    cache.put(KEY, saved())
    deadline = time.monotonic() + 10
    while not (tmp_path / file_name("document:1")).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / file_name("document:1")).exists()


def test_a_cache_folder_that_cannot_be_made_is_only_a_note(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    cache = StateCache(blocker / "model-state")
    cache.put(KEY, saved())
    assert cache.flush(10)
    assert cache.notes
    assert cache.get(KEY, "document:1") is not None
    assert cache.disk_usage() == 0


def test_clear_forgets_memory_and_files(tmp_path):
    cache = StateCache(tmp_path)
    for n in range(3):
        cache.put(KEY, saved(f"document:{n}", size=2000, seed=n))
    cache.flush(10)
    (tmp_path / "keep-me.txt").write_text("not a state")
    used = cache.disk_usage()
    assert used > 6000
    assert cache.clear() == used
    assert cache.memory_bytes == 0 and cache.disk_usage() == 0
    assert cache.get(KEY, "document:0") is None
    assert (tmp_path / "keep-me.txt").exists()
    assert clear_folder(tmp_path / "missing") == 0


def test_forget_removes_one_session(tmp_path):
    cache = StateCache(tmp_path)
    cache.put(KEY, saved("document:1"))
    cache.put(KEY, saved("document:2"))
    cache.flush(10)
    cache.forget("document:1")
    assert cache.get(KEY, "document:1") is None
    assert cache.get(KEY, "document:2") is not None
    assert not (tmp_path / file_name("document:1")).exists()


def test_a_newer_state_of_a_session_replaces_the_older_one(tmp_path):
    cache = StateCache(tmp_path)
    cache.put(KEY, saved(seed=1))
    newer = saved(seed=2)
    cache.put(KEY, newer)
    cache.flush(10)
    assert same(StateCache(tmp_path).get(KEY, "document:1"), newer)
    assert len(list(tmp_path.iterdir())) == 1


def test_temporary_files_left_by_a_dead_process_are_removed(tmp_path):
    stale = tmp_path / (file_name("document:1") + ".999.1.tmp")
    fresh = tmp_path / (file_name("document:2") + ".999.2.tmp")
    for path in (stale, fresh):
        path.write_bytes(b"half a state")
    old = time.time() - 2 * state_cache.STALE_TEMPORARY_S
    os.utime(stale, (old, old))
    StateCache(tmp_path)
    assert not stale.exists() and fresh.exists()


def test_same_tokens():
    state = saved()
    assert state.same_tokens([7, 1, 2, 3, 1007])
    assert not state.same_tokens([7, 1, 2, 3])
    assert not state.same_tokens([7, 1, 2, 3, 1008])
