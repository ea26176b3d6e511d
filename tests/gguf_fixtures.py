"""A tiny GGUF *writer*, for tests only.

It writes small but valid GGUF files (tensor data all zeros) so the reader
in ``app.core.gguf`` can be tested without real models. It is written from
the format description, independently of the reader, and deliberately
allows a few invalid things (unknown types, raw bytes) so tests can build
broken files too.

Metadata values are either plain Python values, typed by :func:`_infer`
(str -> STRING, bool -> BOOL, int -> UINT32 or INT64, float -> FLOAT32,
list -> ARRAY of the first element's type), or explicit :class:`Val`
instances built with the helpers below (``u8(3)``, ``f64(0.5)``,
``array(STRING, [...])``, ...).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, Union

# Metadata value types (enum gguf_type).
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)

_FORMATS = {
    UINT8: "<B",
    INT8: "<b",
    UINT16: "<H",
    INT16: "<h",
    UINT32: "<I",
    INT32: "<i",
    FLOAT32: "<f",
    BOOL: "<?",
    UINT64: "<Q",
    INT64: "<q",
    FLOAT64: "<d",
}

# ggml tensor types used by the tests: id -> (elements per block, bytes per block).
F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 = 0, 1, 2, 3, 6, 7, 8
Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K = 10, 11, 12, 13, 14, 15
IQ4_NL, IQ4_XS, I8, I32, BF16, TQ2_0, MXFP4 = 20, 23, 24, 26, 30, 35, 39
BLOCKS: dict[int, tuple[int, int]] = {
    F32: (1, 4),
    F16: (1, 2),
    Q4_0: (32, 18),
    Q4_1: (32, 20),
    Q5_0: (32, 22),
    Q5_1: (32, 24),
    Q8_0: (32, 34),
    Q2_K: (256, 84),
    Q3_K: (256, 110),
    Q4_K: (256, 144),
    Q5_K: (256, 176),
    Q6_K: (256, 210),
    Q8_K: (256, 292),
    IQ4_NL: (32, 18),
    IQ4_XS: (256, 136),
    I8: (1, 1),
    I32: (1, 4),
    BF16: (1, 2),
    TQ2_0: (256, 66),
    MXFP4: (32, 17),
}


@dataclass(frozen=True)
class Val:
    """A metadata value with an explicit GGUF type.

    For ARRAY, ``elem_type`` is the element type. For a type id the writer
    does not know, ``value`` must be ``bytes`` and is written verbatim.
    """

    type: int
    value: object
    elem_type: int | None = None


def u8(v: int) -> Val: return Val(UINT8, v)
def i8(v: int) -> Val: return Val(INT8, v)
def u16(v: int) -> Val: return Val(UINT16, v)
def i16(v: int) -> Val: return Val(INT16, v)
def u32(v: int) -> Val: return Val(UINT32, v)
def i32(v: int) -> Val: return Val(INT32, v)
def f32(v: float) -> Val: return Val(FLOAT32, v)
def boolean(v: bool) -> Val: return Val(BOOL, v)
def string(v: str) -> Val: return Val(STRING, v)
def u64(v: int) -> Val: return Val(UINT64, v)
def i64(v: int) -> Val: return Val(INT64, v)
def f64(v: float) -> Val: return Val(FLOAT64, v)
def array(elem_type: int, values: Sequence[object]) -> Val: return Val(ARRAY, list(values), elem_type)


MetaValue = Union[Val, str, bool, int, float, list]
# (name, dims, ggml type) or (name, dims, ggml type, data size in bytes) —
# the size override is for types the writer has no block size for.
TensorSpec = Union[tuple[str, Sequence[int], int], tuple[str, Sequence[int], int, int]]


def _infer(value: MetaValue) -> Val:
    if isinstance(value, Val):
        return value
    if isinstance(value, str):
        return string(value)
    if isinstance(value, bool):
        return boolean(value)
    if isinstance(value, int):
        return u32(value) if 0 <= value < 2**32 else i64(value)
    if isinstance(value, float):
        return f32(value)
    if isinstance(value, list):
        elem = _infer(value[0]).type if value else INT32
        return array(elem, value)
    raise TypeError(f"cannot infer a GGUF type for {value!r}")


def gguf_string(s: str | bytes) -> bytes:
    raw = s.encode("utf-8") if isinstance(s, str) else s
    return struct.pack("<Q", len(raw)) + raw


def _encode_payload(type_id: int, value: object, elem_type: int | None) -> bytes:
    if type_id == STRING:
        assert isinstance(value, (str, bytes))
        return gguf_string(value)
    if type_id == ARRAY:
        assert elem_type is not None and isinstance(value, list)
        body = b"".join(_encode_payload(elem_type, v, None) for v in value)
        return struct.pack("<IQ", elem_type, len(value)) + body
    if type_id in _FORMATS:
        return struct.pack(_FORMATS[type_id], value)
    assert isinstance(value, bytes), "unknown types take raw bytes"
    return value


def encode_kv(key: str, value: MetaValue) -> bytes:
    val = _infer(value)
    return gguf_string(key) + struct.pack("<I", val.type) + _encode_payload(val.type, val.value, val.elem_type)


def _align(offset: int, alignment: int) -> int:
    return (offset + alignment - 1) // alignment * alignment


def tensor_nbytes(dims: Sequence[int], ggml_type: int) -> int:
    block, size = BLOCKS[ggml_type]
    n = 1
    for d in dims:
        n *= d
    return n // block * size


def build_gguf(
    metadata: dict[str, MetaValue],
    tensors: Sequence[TensorSpec] = (),
    *,
    version: int = 3,
    alignment: int | None = None,
    with_data: bool = True,
) -> bytes:
    """Return the bytes of a GGUF file.

    ``alignment`` defaults to ``metadata["general.alignment"]`` if present,
    else 32. Tensor data is zeros, each tensor aligned; there is no padding
    after the last tensor, so the file ends exactly where the data does.
    ``with_data=False`` stops after the header padding (for sparse files).
    """
    if alignment is None:
        raw_alignment = metadata.get("general.alignment", 32)
        alignment = int(raw_alignment.value if isinstance(raw_alignment, Val) else raw_alignment)  # type: ignore[arg-type]

    out = bytearray(b"GGUF")
    out += struct.pack("<IQQ", version, len(tensors), len(metadata))
    for key, value in metadata.items():
        out += encode_kv(key, value)

    offset = 0
    sizes: list[int] = []
    for spec in tensors:
        name, dims, ggml_type = spec[0], spec[1], spec[2]
        nbytes = spec[3] if len(spec) > 3 else tensor_nbytes(dims, ggml_type)  # type: ignore[misc]
        offset = _align(offset, alignment)
        out += gguf_string(name)
        out += struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", ggml_type, offset)
        sizes.append(nbytes)
        offset += nbytes

    if not tensors:
        return bytes(out)
    out += bytes(_align(len(out), alignment) - len(out))
    if with_data:
        for i, nbytes in enumerate(sizes):
            if i:
                out += bytes(_align(len(out), alignment) - len(out))
            out += bytes(nbytes)
    return bytes(out)


def write_gguf(
    path: str | os.PathLike[str],
    metadata: dict[str, MetaValue],
    tensors: Sequence[TensorSpec] = (),
    **kwargs: object,
) -> Path:
    """Write :func:`build_gguf`'s bytes to ``path`` and return it as a Path."""
    target = Path(path)
    target.write_bytes(build_gguf(metadata, tensors, **kwargs))  # type: ignore[arg-type]
    return target
