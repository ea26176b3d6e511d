"""GGUF headers that claim more than any real model has: refused quickly with a clear message,
or (for long texts) summarised instead of loaded, so that inspecting one file, or listing a
folder of them, costs well under a second and little memory whatever the files hold."""

from __future__ import annotations

import json
import struct
import threading
import time
from pathlib import Path

import pytest

from app.core.gguf import GGUFError, GGUFTextSummary, read_gguf
from app.core.library import discover, model_fit, model_problem
from tests.gguf_fixtures import F32, STRING, UINT8, encode_kv, gguf_string, write_gguf

TENSORS = [("token_embd.weight", [64, 32], F32), ("blk.0.attn_q.weight", [64, 64], F32)]
META = {"general.architecture": "llama", "general.name": "tiny", "llama.block_count": 1}


def _error(path: Path) -> str:
    with pytest.raises(GGUFError) as caught:
        read_gguf(path)
    return str(caught.value)


def _header(tensor_count: int, kv_count: int) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, tensor_count, kv_count)


def _keys(start: int, count: int) -> bytes:
    """``count`` distinct UINT8 entries "k00000000"..., 22 bytes each, written fast."""
    record = struct.Struct("<Q9sIB")
    return b"".join(record.pack(9, b"k%08d" % i, UINT8, 1) for i in range(start, start + count))


def test_ten_million_metadata_keys_are_refused_at_once(tmp_path):
    # The header claims 10 million keys and the file is as long as they need (sparse: the first
    # 100,000 are real and distinct, the rest holes), so only the claim can stop the reader.
    path = tmp_path / "keys.gguf"
    with path.open("wb") as file:
        file.write(_header(0, 10_000_000))
        file.write(_keys(0, 100_000))
        file.truncate(24 + 22 * 10_000_000)
    start = time.monotonic()
    message = _error(path)
    assert time.monotonic() - start < 0.5
    assert message == ("'keys.gguf' is corrupt (it claims 10,000,000 metadata entries). "
                       "Download it again; if that does not help, the file itself is broken.")


def test_more_keys_than_any_model_has_are_refused_even_when_all_are_there(tmp_path):
    path = tmp_path / "many.gguf"
    path.write_bytes(_header(0, 20_000) + _keys(0, 20_000))
    assert "it claims 20,000 metadata entries" in _error(path)


def test_more_tensors_than_any_model_has_are_refused(tmp_path):
    path = tmp_path / "tensors.gguf"
    with path.open("wb") as file:
        file.write(_header(1_000_000, 0))
        file.truncate(24 + 40 * 1_000_000)
    start = time.monotonic()
    assert "it claims 1,000,000 tensors" in _error(path)
    assert time.monotonic() - start < 0.5


def test_a_huge_text_is_summarised_not_loaded(tmp_path):
    # 64 MB in one metadata text (sparse): kept as its length, never read into memory.
    path = tmp_path / "text.gguf"
    size = 64 << 20
    kv = gguf_string("general.description") + struct.pack("<IQ", STRING, size)
    with path.open("wb") as file:
        file.write(_header(0, 1) + kv)
        file.truncate(len(_header(0, 1) + kv) + size)
    start = time.monotonic()
    info = read_gguf(path)
    assert time.monotonic() - start < 0.5
    assert info.metadata["general.description"] == GGUFTextSummary(size)
    assert str(info.metadata["general.description"]) == "[text of 67,108,864 bytes]"


def test_a_huge_chat_template_is_not_a_template(tmp_path):
    path = write_gguf(tmp_path / "template.gguf", {**META, "tokenizer.chat_template": "{{ x }}" * 300_000}, TENSORS)
    info = read_gguf(path)
    assert info.chat_template is None  # 2.1 MB: no real template is that long; not loaded, not run


def test_real_sized_texts_are_still_loaded(tmp_path):
    template = "{% for m in messages %}{{ m.content }}{% endfor %}" * 2000  # 100 KB, like the longest real ones
    path = write_gguf(tmp_path / "ok.gguf", {**META, "tokenizer.chat_template": template}, TENSORS)
    assert read_gguf(path).chat_template == template


def test_texts_kept_from_one_header_are_bounded_in_all(tmp_path):
    texts = {f"x.text{i}": "y" * 900_000 for i in range(30)}  # 27 MB, each under the per-text limit
    info = read_gguf(write_gguf(tmp_path / "texts.gguf", {**META, **texts}, TENSORS))
    kept = [v for k, v in info.metadata.items() if k.startswith("x.") and isinstance(v, str)]
    summarised = [v for k, v in info.metadata.items() if isinstance(v, GGUFTextSummary)]
    assert sum(map(len, kept)) <= 16 << 20 and summarised and len(kept) + len(summarised) == 30


def test_a_huge_string_length_is_corrupt(tmp_path):
    path = tmp_path / "length.gguf"
    path.write_bytes(_header(0, 1) + gguf_string("general.name") + struct.pack("<IQ", STRING, 1 << 50) + b"\x00" * 64)
    assert "it claims a text of 1,125,899,906,842,624 bytes" in _error(path)


def test_a_long_key_is_corrupt(tmp_path):
    path = tmp_path / "key.gguf"
    path.write_bytes(_header(0, 1) + encode_kv("k" * 5000, 1))
    assert "it claims a text of 5,000 bytes" in _error(path)


def test_a_huge_array_count_is_refused_before_skipping_it(tmp_path):
    # 20 million empty strings (sparse zeros): all there, but no vocabulary is a hundredth that long.
    path = tmp_path / "array.gguf"
    kv = gguf_string("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, STRING, 20_000_000)
    with path.open("wb") as file:
        file.write(_header(0, 1) + kv)
        file.truncate(len(_header(0, 1) + kv) + 8 * 20_000_000)
    start = time.monotonic()
    assert "metadata 'tokenizer.ggml.tokens' claims 20,000,000 elements" in _error(path)
    assert time.monotonic() - start < 0.5


def test_many_string_arrays_together_are_bounded(tmp_path):
    # Each array under the per-array limit, together far beyond any tokenizer.
    parts = []
    for i in range(8):
        parts.append(gguf_string(f"x.list{i}") + struct.pack("<IIQ", 9, STRING, 1_000_000) + b"\x00" * 8_000_000)
    path = tmp_path / "arrays.gguf"
    path.write_bytes(_header(0, 8) + b"".join(parts))
    start = time.monotonic()
    assert "claims 1,000,000 elements" in _error(path)
    assert time.monotonic() - start < 2


def test_a_file_without_tensors_is_listed_as_unusable_not_as_fitting(tmp_path):
    write_gguf(tmp_path / "vocab-only.gguf", META)
    (model,) = discover([("added", tmp_path)])
    assert model.info is not None and model.info.tensor_count == 0
    assert not model.usable
    assert model.problem == "'vocab-only.gguf' holds no weights (it has no tensors), so it is not a model to chat with."
    label, why = model_fit(model, 8192, 16 << 30, None)
    assert label != "fits" and why == model.problem


def test_the_metadata_only_first_part_of_a_split_model_is_fine(tmp_path):
    write_gguf(tmp_path / "big-00001-of-00002.gguf", {**META, "split.count": 2, "split.no": 0})
    write_gguf(tmp_path / "big-00002-of-00002.gguf", {"split.count": 2, "split.no": 1}, TENSORS)
    (model,) = discover([("added", tmp_path)])
    assert model.problem is None
    assert model_problem(read_gguf(tmp_path / "big-00001-of-00002.gguf"), "big-00001-of-00002.gguf") is None


def test_models_info_says_a_file_without_tensors_is_unusable(tmp_path, capsys):
    import argparse

    from app.cli.models import _info

    path = write_gguf(tmp_path / "vocab-only.gguf", META)
    assert _info(argparse.Namespace(path=str(path), json=True)) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["fit"] == "unusable" and "no tensors" in facts["problem"]


def test_listing_a_folder_of_hostile_files_is_quick(tmp_path):
    for i in range(20):
        path = tmp_path / f"hostile{i:02}.gguf"
        with path.open("wb") as file:
            file.write(_header(0, 10_000_000))
            file.write(_keys(0, 1000))
            file.truncate(24 + 22 * 10_000_000)
    write_gguf(tmp_path / "real.gguf", META, TENSORS)
    start = time.monotonic()
    models = {m.name: m for m in discover([("added", tmp_path)])}
    assert time.monotonic() - start < 3
    assert models["real"].usable
    assert all("10,000,000 metadata entries" in models[f"hostile{i:02}"].problem for i in range(20))


def test_a_scan_stops_between_files_when_cancelled(tmp_path, monkeypatch):
    for i in range(10):
        write_gguf(tmp_path / f"m{i}.gguf", META, TENSORS)
    from app.core.library import discovery

    cancel = threading.Event()
    read = []

    def reading(path):
        read.append(path)
        if len(read) == 3:
            cancel.set()  # a newer scan, or the page closed
        return read_gguf(path)

    monkeypatch.setattr(discovery, "read_gguf", reading)
    models = discover([("added", tmp_path)], cancelled=cancel.is_set)
    assert len(read) == 3 and len(models) == 3


def test_a_cancelled_scan_walks_no_further(tmp_path):
    for i in range(5):
        (tmp_path / f"d{i}").mkdir()
        write_gguf(tmp_path / f"d{i}" / "m.gguf", META, TENSORS)
    assert discover([("added", tmp_path)], cancelled=lambda: True) == []
