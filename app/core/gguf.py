"""Read a GGUF model file's header and metadata, without llama.cpp.

Inkwell checks a model file with this module *before* handing it to
llama.cpp. llama.cpp reports a bad file with a terse log line (or, for a few
malformed values, aborts the whole process), which tells a person nothing.
Here every problem becomes a :class:`GGUFError` whose message says what is
wrong with the file and what to do about it.

Only the header is read: the key/value metadata and the tensor descriptions.
Tensor data is never read; its expected end is computed from the tensor
descriptions, which is enough to notice an interrupted download. Large
metadata arrays (tokenizer vocabularies, merges) are skipped, not loaded:
fixed-size elements by seeking over them, string elements by reading only
their length prefixes out of an in-memory chunk.

Pure standard library on purpose: this is the core layer (no Qt, no numpy,
no llama_cpp), so it can run and be tested anywhere.

Format reference: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
(little-endian; versions 2 and 3 share one layout).
"""

from __future__ import annotations

import os
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

__all__ = [
    "GGML_TYPES",
    "GGUFArraySummary",
    "GGUFError",
    "GGUFInfo",
    "GGUFTextSummary",
    "LLAMA_FTYPE_NAMES",
    "read_gguf",
]


class GGUFError(ValueError):
    """A model file Inkwell cannot use.

    The message is meant for a person: it names the file, says what is
    wrong and what to do, e.g. "'foo.bin' is not a GGUF model file (it does
    not start with the GGUF signature). Inkwell runs GGUF models: download a
    .gguf file, e.g. from Hugging Face."
    """


@dataclass(frozen=True)
class GGUFArraySummary:
    """Stands in for a metadata array too long to be worth loading.

    ``type_name`` is the GGUF element type ("STRING", "INT32", ...).
    """

    type_name: str
    length: int

    def __str__(self) -> str:
        return f"[{self.length:,} × {self.type_name}]"


@dataclass(frozen=True)
class GGUFTextSummary:
    """Stands in for a metadata text too long to be worth loading (an old
    file's whole ``tokenizer.huggingface.json``, say): ``length`` bytes."""

    length: int

    def __str__(self) -> str:
        return f"[text of {self.length:,} bytes]"


# --------------------------------------------------------------------------
# Format constants
# --------------------------------------------------------------------------

_MAGIC: Final = b"GGUF"
_SUPPORTED_VERSIONS: Final = (2, 3)
_DEFAULT_ALIGNMENT: Final = 32
_ALIGNMENT_KEY: Final = "general.alignment"
_MAX_DIMS: Final = 4  # GGML_MAX_DIMS; llama.cpp rejects tensors with more.

# Sanity limits. Real files are far below them; above them a number can only
# be garbage (or hostile), and trusting it would mean looping or allocating
# for ages: a file claiming 10 million metadata keys took 47 s and 900 MB to
# read before these. Together they bound what one header costs to read (well
# under a second and a few tens of MB), which is what lets the Models page
# scan any folder.
_MAX_TENSORS: Final = 65_536  # real models: a few hundred to a few thousand
_MAX_KV: Final = 10_000  # real models: a few dozen keys
_MAX_ARRAY_LENGTH: Final = 1 << 23  # biggest real vocabularies: ~260k, merges ~300k
# Strings in arrays are skipped one by one (their lengths differ): all the
# string arrays of a file together, at most this many elements.
_MAX_STRING_ELEMENTS: Final = 1 << 22
_MAX_STRING_LENGTH: Final = 1 << 30
# Keys are short ("llama.attention.head_count"); llama.cpp refuses tensor
# names of 64 bytes or more (GGML_MAX_NAME).
_MAX_KEY_LENGTH: Final = 1024
_MAX_TENSOR_NAME_LENGTH: Final = 256
# Texts longer than this (chat templates are up to ~100 KB) are skipped and
# kept as a GGUFTextSummary; so is every text once a header has kept this
# much in all.
_MAX_INLINE_TEXT: Final = 1 << 20
_MAX_KEPT_TEXT: Final = 16 << 20
_MAX_ELEMENTS: Final = (1 << 63) - 1  # ggml counts elements in an int64
# Beyond this, "N MB missing" would be nonsense: the offsets are garbage.
_MAX_DATA_END: Final = 1 << 44  # 16 TiB
# Repeating blocks ("blk.N.*") beyond this index are not believed: the
# biggest real models have a few hundred, and GGUFInfo.layer_bytes holds one
# number per index. Such tensors are counted in other_bytes instead.
_MAX_BLOCKS: Final = 1 << 16

# Arrays longer than this are summarised instead of loaded (vocabularies).
_MAX_INLINE_ARRAY: Final = 64

_CHUNK_SIZE: Final = 1 << 20

# Metadata value types (enum gguf_type).
_T_UINT8: Final = 0
_T_INT8: Final = 1
_T_UINT16: Final = 2
_T_INT16: Final = 3
_T_UINT32: Final = 4
_T_INT32: Final = 5
_T_FLOAT32: Final = 6
_T_BOOL: Final = 7
_T_STRING: Final = 8
_T_ARRAY: Final = 9
_T_UINT64: Final = 10
_T_INT64: Final = 11
_T_FLOAT64: Final = 12

_VALUE_TYPE_NAMES: Final[dict[int, str]] = {
    _T_UINT8: "UINT8",
    _T_INT8: "INT8",
    _T_UINT16: "UINT16",
    _T_INT16: "INT16",
    _T_UINT32: "UINT32",
    _T_INT32: "INT32",
    _T_FLOAT32: "FLOAT32",
    _T_BOOL: "BOOL",
    _T_STRING: "STRING",
    _T_ARRAY: "ARRAY",
    _T_UINT64: "UINT64",
    _T_INT64: "INT64",
    _T_FLOAT64: "FLOAT64",
}

# struct format character of each fixed-size value type. BOOL is one byte,
# read as an integer so that any non-zero byte means True.
_SCALAR_CODES: Final[dict[int, str]] = {
    _T_UINT8: "B",
    _T_INT8: "b",
    _T_UINT16: "H",
    _T_INT16: "h",
    _T_UINT32: "I",
    _T_INT32: "i",
    _T_FLOAT32: "f",
    _T_BOOL: "B",
    _T_UINT64: "Q",
    _T_INT64: "q",
    _T_FLOAT64: "d",
}
_SCALARS: Final[dict[int, struct.Struct]] = {
    t: struct.Struct("<" + code) for t, code in _SCALAR_CODES.items()
}

_U32: Final = struct.Struct("<I")
_U64: Final = struct.Struct("<Q")

# ggml tensor types: id -> (name, elements per block, bytes per block).
# Ids checked against `enum ggml_type` in ggml/include/ggml.h (llama.cpp
# master): 4 and 5 (Q4_2, Q4_3), 31-33 (Q4_0_4_4, Q4_0_4_8, Q4_0_8_8) and
# 36-38 (IQ4_NL_4_4, ...) were removed and are rejected like unknown ids, as
# llama.cpp does. Block sizes match gguf-py's GGML_QUANT_SIZES.
# Less certain: 40-42 (NVFP4, Q1_0, Q2_0) are recent additions, taken from
# secondary sources (gguf-py constants of forks, downstream headers); an
# older llama.cpp build will refuse files that use them anyway.
GGML_TYPES: Final[dict[int, tuple[str, int, int]]] = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    9: ("Q8_1", 32, 36),
    10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210),
    15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66),
    17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18),
    21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82),
    23: ("IQ4_XS", 256, 136),
    24: ("I8", 1, 1),
    25: ("I16", 1, 2),
    26: ("I32", 1, 4),
    27: ("I64", 1, 8),
    28: ("F64", 1, 8),
    29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2),
    34: ("TQ1_0", 256, 54),
    35: ("TQ2_0", 256, 66),
    39: ("MXFP4", 32, 17),
    40: ("NVFP4", 64, 36),
    41: ("Q1_0", 128, 18),
    42: ("Q2_0", 64, 18),
}

# `general.file_type` values: `enum llama_ftype` in llama.cpp's include/llama.h
# (not ggml's own ggml_ftype, which numbers differently). 5 and 6 (Q4_2,
# Q4_3) were removed long ago; 33-35 (Q4_0_4_4, ...) were removed but old
# files may still carry them, so they keep their names here. 39-41 are
# recent; see the note on GGML_TYPES.
LLAMA_FTYPE_NAMES: Final[dict[int, str]] = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    4: "Q4_1_SOME_F16",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    33: "Q4_0_4_4",
    34: "Q4_0_4_8",
    35: "Q4_0_8_8",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
    39: "NVFP4",
    40: "Q1_0",
    41: "Q2_0",
}


# --------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class GGUFInfo:
    """What the header of a GGUF file says.

    ``metadata`` holds every key/value pair; arrays longer than 64 elements
    are replaced by a :class:`GGUFArraySummary`. ``data_end`` is the byte
    offset where the last tensor's data ends (for a file without tensors:
    where the header ends); a complete file is at least that long.
    """

    path: Path
    version: int
    file_size: int
    tensor_count: int
    metadata: dict[str, object]
    data_end: int
    # Sum over tensors of the product of their dimensions. Has a default so
    # that code building a GGUFInfo by hand (tests, fakes) need not care.
    parameter_count: int = field(default=0)
    # Bytes of tensor data per repeating block: layer_bytes[N] sums the
    # tensors named "blk.N.*" (0 for an index without tensors); its length is
    # the highest block index + 1. other_bytes is every other tensor: token
    # embeddings, output, final norm. Together they are what the GPU offload
    # planner (app.core.offload) needs; padding between tensors is not
    # counted, so their sum can fall short of the data section by less than
    # the alignment per tensor.
    layer_bytes: tuple[int, ...] = field(default=())
    other_bytes: int = field(default=0)
    # Where the tensor data section starts (the header end, padded to the
    # alignment); data_end - data_offset is the size of the data section.
    # 0 when unknown (hand-built infos).
    data_offset: int = field(default=0)

    # -- typed access -------------------------------------------------------

    def _str(self, key: str) -> str | None:
        value = self.metadata.get(key)
        return value if isinstance(value, str) else None

    def _int(self, key: str) -> int | None:
        value = self.metadata.get(key)
        # bool is an int subclass; a BOOL where a number belongs is not one.
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return None

    def _arch_int(self, suffix: str) -> int | None:
        arch = self.architecture
        return None if arch is None else self._int(f"{arch}.{suffix}")

    # -- convenience properties --------------------------------------------

    @property
    def architecture(self) -> str | None:
        return self._str("general.architecture")

    @property
    def name(self) -> str:
        """``general.name``, else the file name without ``.gguf``."""
        name = self._str("general.name")
        if name and name.strip():
            return name.strip()
        file_name = self.path.name
        if file_name.lower().endswith(".gguf") and len(file_name) > 5:
            return file_name[:-5]
        return file_name

    @property
    def context_length(self) -> int | None:
        return self._arch_int("context_length")

    @property
    def block_count(self) -> int | None:
        return self._arch_int("block_count")

    @property
    def embedding_length(self) -> int | None:
        return self._arch_int("embedding_length")

    @property
    def head_count(self) -> int | None:
        return self._arch_int("attention.head_count")

    @property
    def head_count_kv(self) -> int | None:
        # Models without grouped-query attention omit the key; llama.cpp then
        # uses head_count, and so do we.
        kv = self._arch_int("attention.head_count_kv")
        return kv if kv is not None else self.head_count

    @property
    def chat_template(self) -> str | None:
        return self._str("tokenizer.chat_template")

    @property
    def bos_token_id(self) -> int | None:
        return self._int("tokenizer.ggml.bos_token_id")

    @property
    def eos_token_id(self) -> int | None:
        return self._int("tokenizer.ggml.eos_token_id")

    @property
    def add_bos_token(self) -> bool | None:
        value = self.metadata.get("tokenizer.ggml.add_bos_token")
        return value if isinstance(value, bool) else None

    @property
    def file_type(self) -> str | None:
        """Quantisation name ("Q4_K_M", "Q8_0", ...); None if absent or unknown."""
        ftype = self._int("general.file_type")
        return None if ftype is None else LLAMA_FTYPE_NAMES.get(ftype)


# --------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------

_REDOWNLOAD: Final = QT_TRANSLATE_NOOP("GGUF", "the download was probably interrupted; download it again.")


def _truncated_message(name: str) -> Translatable:
    return QT_TRANSLATE_NOOP("GGUF", "'{name}' is incomplete — {advice}").format(name=name, advice=_REDOWNLOAD)


def _corrupt_message(name: str, detail: str) -> Translatable:
    return QT_TRANSLATE_NOOP(
        "GGUF", "'{name}' is corrupt ({detail}). "
        "Download it again; if that does not help, the file itself is broken."
    ).format(name=name, detail=detail)


def _show(text: str) -> str:
    """A key or tensor name, made safe to put in a message."""
    if not text.isprintable():
        text = repr(text)[1:-1]
    return text if len(text) <= 80 else text[:77] + "..."


def _format_mb(n_bytes: int) -> str:
    mb = n_bytes / 1_000_000
    if mb < 0.1:
        return QT_TRANSLATE_NOOP("GGUF", "less than 0.1 MB")
    return f"{mb:,.1f} MB"


def _not_gguf_message(name: str, head: bytes) -> Translatable:
    """Bad magic: say what the file seems to be, when that is recognisable."""
    # Pre-GGUF llama.cpp formats wrote their magic as a little-endian uint32,
    # so on disk 'ggjt' reads "tjgg"; accept either order to be safe.
    old_magics = (b"ggml", b"ggjt", b"ggmf", b"lmgg", b"tjgg", b"fmgg")
    if head[:4] in old_magics:
        return QT_TRANSLATE_NOOP(
            "GGUF", "'{name}' is a model in the old GGML/GGJT format, which llama.cpp "
            "no longer loads. Download a GGUF (.gguf) version of this model, "
            "e.g. from Hugging Face, or convert it with llama.cpp's conversion "
            "scripts."
        ).format(name=name)
    base = QT_TRANSLATE_NOOP(
        "GGUF", "'{name}' is not a GGUF model file (it does not start with the GGUF "
        "signature). Inkwell runs GGUF models: download a .gguf file, e.g. "
        "from Hugging Face."
    ).format(name=name)
    text_start = head.lstrip()[:64].lower()
    if text_start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head")):
        hint = QT_TRANSLATE_NOOP(
            "GGUF", "It looks like a saved web page: use the file's download link, not the page that shows it.")
    elif text_start.startswith(b"version https://git-lfs"):
        hint = QT_TRANSLATE_NOOP(
            "GGUF", "It is a Git LFS pointer, not the model itself: download the "
            "file directly, or run `git lfs pull`.")
    elif head.startswith(b"PK\x03\x04"):
        hint = QT_TRANSLATE_NOOP("GGUF", "It is a ZIP archive (e.g. a PyTorch checkpoint).")
    elif len(head) >= 9 and head[8:9] == b"{":
        hint = QT_TRANSLATE_NOOP("GGUF", "It looks like a safetensors file, which must be converted first.")
    else:
        return base
    return QT_TRANSLATE_NOOP("GGUF", "{problem} {hint}").format(problem=base, hint=hint)


# --------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------


def _align_up(offset: int, alignment: int) -> int:
    return (offset + alignment - 1) // alignment * alignment


def _block_index(tensor_name: str) -> int | None:
    """N for a tensor of repeating block N ("blk.N.attn_q.weight"), else None.

    llama.cpp names every per-layer tensor this way, whatever the
    architecture; everything else (token_embd, output, output_norm, ...)
    belongs to no layer.
    """
    parts = tensor_name.split(".", 2)
    if len(parts) < 3 or parts[0] != "blk":
        return None
    index = parts[1]
    # isdecimal() alone accepts non-ASCII digits, which int() would take too.
    if not (index.isascii() and index.isdecimal()):
        return None
    block = int(index)
    return block if block < _MAX_BLOCKS else None


class _Parser:
    """Reads the header through a private chunk buffer.

    Reading many tiny fields through ``file.read`` costs a Python call each;
    with a vocabulary of 50k+ strings that adds up. So data is pulled in
    1 MiB chunks and decoded with ``struct.unpack_from`` at an index, and
    spans past the chunk are skipped with a real ``seek``.

    Invariant: the file position is always ``_buf_start + len(_buf)``.
    """

    def __init__(self, f: BinaryIO, file_size: int, name: str) -> None:
        self._f = f
        self._size = file_size
        self._name = name
        self._buf = b""
        self._buf_start = 0
        self._pos = 0  # index into _buf
        self._string_elements = 0  # in all string arrays so far (_MAX_STRING_ELEMENTS)
        self._kept_text = 0  # bytes of metadata text kept so far (_MAX_KEPT_TEXT)

    # -- errors -------------------------------------------------------------

    def truncated(self) -> GGUFError:
        return GGUFError(_truncated_message(self._name))

    def corrupt(self, detail: str) -> GGUFError:
        return GGUFError(_corrupt_message(self._name, detail))

    # -- low-level reading --------------------------------------------------

    def tell(self) -> int:
        return self._buf_start + self._pos

    def _fill(self, n: int) -> None:
        """Make sure ``n`` bytes are buffered at the current position."""
        avail = len(self._buf) - self._pos
        if avail >= n:
            return
        start = self.tell()
        if start + n > self._size:
            raise self.truncated()
        more = self._f.read(max(n - avail, _CHUNK_SIZE))
        self._buf = self._buf[self._pos :] + more
        self._buf_start = start
        self._pos = 0
        if len(self._buf) < n:  # the file shrank while we read it
            raise self.truncated()

    def read(self, n: int) -> bytes:
        self._fill(n)
        data = self._buf[self._pos : self._pos + n]
        self._pos += n
        return data

    def u32(self) -> int:
        self._fill(4)
        (value,) = _U32.unpack_from(self._buf, self._pos)
        self._pos += 4
        return int(value)

    def u64(self) -> int:
        self._fill(8)
        (value,) = _U64.unpack_from(self._buf, self._pos)
        self._pos += 8
        return int(value)

    def skip(self, n: int) -> None:
        if n <= len(self._buf) - self._pos:
            self._pos += n
            return
        target = self.tell() + n
        if target > self._size:
            raise self.truncated()
        self._f.seek(target)
        self._buf = b""
        self._buf_start = target
        self._pos = 0

    def remaining(self) -> int:
        return self._size - self.tell()

    # -- GGUF building blocks -----------------------------------------------

    def string_length(self, limit: int = _MAX_STRING_LENGTH) -> int:
        length = self.u64()
        if length > limit:
            raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "it claims a text of {count} bytes").format(count=f"{length:,}"))
        return length

    def raw_string(self, limit: int = _MAX_STRING_LENGTH) -> bytes:
        return self.read(self.string_length(limit))

    def key(self) -> str:
        raw = self.raw_string(_MAX_KEY_LENGTH)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "a metadata key is not valid text")) from None

    def string_value(self) -> str | GGUFTextSummary:
        length = self.string_length()
        if length > _MAX_INLINE_TEXT or self._kept_text + length > _MAX_KEPT_TEXT:
            self.skip(length)
            return GGUFTextSummary(length)
        self._kept_text += length
        # Values are decoded leniently: llama.cpp does not validate them, and
        # a stray byte in, say, a model description must not make a model
        # that llama.cpp would load unusable here.
        return self.read(length).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        """Skip ``count`` strings, reading only their length prefixes.

        The inner loop works on local variables over the buffered chunk; this
        keeps a 50k-token vocabulary well under 100 ms.
        """
        unpack_u64 = _U64.unpack_from
        remaining = count
        while remaining:
            buf = self._buf
            pos = self._pos
            end = len(buf)
            last_prefix = end - 8
            while remaining and pos <= last_prefix:
                (length,) = unpack_u64(buf, pos)
                after = pos + 8 + length
                # A bogus huge length also ends up here, and is then judged
                # by string_length() below.
                if after > end:
                    break
                pos = after
                remaining -= 1
            self._pos = pos
            if remaining:
                # The next string straddles the chunk (or is huge, or bogus):
                # take the slow path once, which refills or seeks as needed.
                self.skip(self.string_length())
                remaining -= 1

    def value(self, key: str, vtype: int) -> object:
        st = _SCALARS.get(vtype)
        if st is not None:
            (value,) = st.unpack_from(self.read(st.size))
            return bool(value) if vtype == _T_BOOL else value
        if vtype == _T_STRING:
            return self.string_value()
        if vtype == _T_ARRAY:
            return self.array(key)
        raise self.unknown_value_type(key, vtype)

    def unknown_value_type(self, key: str, vtype: int) -> GGUFError:
        return GGUFError(QT_TRANSLATE_NOOP(
            "GGUF", "'{name}' is corrupt or was made by a newer tool: metadata "
            "'{key}' has an unknown value type ({type}). Download the file "
            "again, or look for a version made for current llama.cpp."
        ).format(name=self._name, key=_show(key), type=vtype))

    def array(self, key: str) -> object:
        elem_type = self.u32()
        count = self.u64()
        if elem_type == _T_ARRAY:
            # Valid per the spec, but llama.cpp refuses nested arrays.
            raise GGUFError(QT_TRANSLATE_NOOP(
                "GGUF", "'{name}' cannot be loaded: metadata '{key}' is an "
                "array of arrays, which llama.cpp does not support. Look for "
                "another GGUF file of this model."
            ).format(name=self._name, key=_show(key)))
        st = _SCALARS.get(elem_type)
        if st is None and elem_type != _T_STRING:
            raise self.unknown_value_type(key, elem_type)
        if st is None:
            self._string_elements += count
        if count > _MAX_ARRAY_LENGTH or self._string_elements > _MAX_STRING_ELEMENTS:
            raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "metadata '{key}' claims {count} elements").format(
                key=_show(key), count=f"{count:,}"))
        # Every element takes at least this many bytes; a count that cannot
        # fit in the rest of the file means the file was cut short.
        min_size = 8 if st is None else st.size
        if count * min_size > self.remaining():
            raise self.truncated()

        type_name = _VALUE_TYPE_NAMES[elem_type]
        if count > _MAX_INLINE_ARRAY:
            if st is None:
                self.skip_strings(count)
            else:
                self.skip(count * st.size)
            return GGUFArraySummary(type_name, count)
        if st is None:
            return [self.string_value() for _ in range(count)]
        values = struct.unpack_from(
            f"<{count}{_SCALAR_CODES[elem_type]}", self.read(count * st.size)
        )
        if elem_type == _T_BOOL:
            return [bool(v) for v in values]
        return list(values)

    # -- whole file ---------------------------------------------------------

    def check_magic_and_version(self) -> int:
        head = self._f.read(64)
        self._f.seek(0)
        if len(head) < 4 and _MAGIC.startswith(head):
            raise self.truncated()
        if head[:4] != _MAGIC:
            raise GGUFError(_not_gguf_message(self._name, head))
        self.skip(4)
        raw_version = self.read(4)
        version = int.from_bytes(raw_version, "little")
        if version in _SUPPORTED_VERSIONS:
            return version
        if int.from_bytes(raw_version, "big") in (1, 2, 3):
            raise GGUFError(QT_TRANSLATE_NOOP(
                "GGUF", "'{name}' is a big-endian GGUF file, which Inkwell does "
                "not support. Download the standard (little-endian) GGUF file "
                "of this model."
            ).format(name=self._name))
        if version == 1:
            raise GGUFError(QT_TRANSLATE_NOOP(
                "GGUF", "'{name}' uses GGUF version 1, which is too old to "
                "load. Download a newer GGUF file of this model."
            ).format(name=self._name))
        raise GGUFError(QT_TRANSLATE_NOOP(
            "GGUF", "'{name}' uses GGUF version {version}, which Inkwell does "
            "not support (it reads versions 2 and 3). The file may be corrupt "
            "or made by a newer tool: download it again or update Inkwell."
        ).format(name=self._name, version=version))

    def parse(self, path: Path) -> GGUFInfo:
        version = self.check_magic_and_version()
        tensor_count = self.u64()
        kv_count = self.u64()
        if tensor_count > _MAX_TENSORS:
            raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "it claims {count} tensors").format(count=f"{tensor_count:,}"))
        if kv_count > _MAX_KV:
            raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "it claims {count} metadata entries").format(
                count=f"{kv_count:,}"))
        # Each entry takes at least 13 bytes (key length, type, a UINT8),
        # each tensor description 24: more than the file holds means it was
        # cut short, which is better said now than after reading the rest.
        if kv_count * 13 + tensor_count * 24 > self.remaining():
            raise self.truncated()

        metadata: dict[str, object] = {}
        alignment = _DEFAULT_ALIGNMENT
        for _ in range(kv_count):
            key = self.key()
            if key in metadata:
                raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "metadata '{key}' appears twice").format(key=_show(key)))
            vtype = self.u32()
            value = self.value(key, vtype)
            metadata[key] = value
            if key == _ALIGNMENT_KEY:
                # llama.cpp reads this with an assertion on the type, which
                # aborts the whole program; catch it here instead.
                if vtype != _T_UINT32 or not isinstance(value, int):
                    raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "'{key}' is not a UINT32").format(key=_ALIGNMENT_KEY))
                if value <= 0 or value & (value - 1):
                    raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "alignment {value} is not a power of two").format(
                        value=value))
                alignment = value

        seen_names: set[bytes] = set()
        max_end = 0
        parameter_count = 0
        block_bytes: dict[int, int] = {}
        other_bytes = 0
        for _ in range(tensor_count):
            raw_name = self.raw_string(_MAX_TENSOR_NAME_LENGTH)
            tensor_name = raw_name.decode("utf-8", errors="replace")
            if raw_name in seen_names:
                raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "tensor '{tensor}' appears twice").format(
                    tensor=_show(tensor_name)))
            seen_names.add(raw_name)
            n_dims = self.u32()
            if n_dims > _MAX_DIMS:
                raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "tensor '{tensor}' claims {count} dimensions").format(
                    tensor=_show(tensor_name), count=f"{n_dims:,}"))
            dims = [self.u64() for _ in range(n_dims)]
            ggml_type = self.u32()
            offset = self.u64()

            type_info = GGML_TYPES.get(ggml_type)
            if type_info is None:
                raise GGUFError(QT_TRANSLATE_NOOP(
                    "GGUF", "'{name}' is corrupt or uses a tensor type Inkwell "
                    "does not know (type {type} in tensor "
                    "'{tensor}'), perhaps from a newer llama.cpp. "
                    "Download it again, or look for a file with a common "
                    "quantisation such as Q4_K_M."
                ).format(name=self._name, type=ggml_type, tensor=_show(tensor_name)))
            type_name, block_size, type_size = type_info
            n_elements = 1
            for dim in dims:
                n_elements *= dim
                if n_elements > _MAX_ELEMENTS:
                    raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "tensor '{tensor}' has impossible dimensions").format(
                        tensor=_show(tensor_name)))
            # ggml stores rows as whole blocks (ggml_row_size); a row that
            # does not fill its blocks cannot come from a real quantiser.
            first_dim = dims[0] if dims else 1
            if first_dim % block_size:
                raise self.corrupt(QT_TRANSLATE_NOOP(
                    "GGUF", "tensor '{tensor}' has rows of {count} elements, "
                    "not a multiple of {type}'s block of {block}"
                ).format(tensor=_show(tensor_name), count=first_dim, type=type_name, block=block_size))
            if offset % alignment:
                raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "tensor '{tensor}' is not aligned").format(
                    tensor=_show(tensor_name)))
            n_bytes = n_elements // block_size * type_size
            max_end = max(max_end, offset + n_bytes)
            parameter_count += n_elements
            block = _block_index(tensor_name)
            if block is None:
                other_bytes += n_bytes
            else:
                block_bytes[block] = block_bytes.get(block, 0) + n_bytes

        header_end = self.tell()
        # With no tensors there is no data section, so nothing to pad to.
        data_offset = _align_up(header_end, alignment) if tensor_count else header_end
        data_end = data_offset + max_end if tensor_count else header_end
        if data_end > _MAX_DATA_END:
            raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "its tensor offsets point far beyond any real model"))
        if self._size < data_end:
            missing = data_end - self._size
            raise GGUFError(QT_TRANSLATE_NOOP(
                "GGUF", "'{name}' is incomplete — {size} of model data are missing; {advice}"
            ).format(name=self._name, size=_format_mb(missing), advice=_REDOWNLOAD))
        return GGUFInfo(
            path=path,
            version=version,
            file_size=self._size,
            tensor_count=tensor_count,
            metadata=metadata,
            data_end=data_end,
            parameter_count=parameter_count,
            layer_bytes=tuple(
                block_bytes.get(i, 0) for i in range(max(block_bytes, default=-1) + 1)
            ),
            other_bytes=other_bytes,
            data_offset=data_offset,
        )


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def read_gguf(path: str | os.PathLike[str]) -> GGUFInfo:
    """Read and check the header of the GGUF file at ``path``.

    Raises :class:`GGUFError` (and nothing else) with a message for people
    when the file is missing, unreadable, not GGUF, of an unsupported
    version, cut short or corrupt.
    """
    file_path = Path(path)
    name = file_path.name or str(file_path)
    try:
        # stat first: opening a FIFO would block, and on Windows opening a
        # directory fails with a misleading "permission denied".
        st = os.stat(file_path)
        if stat.S_ISDIR(st.st_mode):
            raise _folder_error(name)
        if not stat.S_ISREG(st.st_mode):
            raise GGUFError(QT_TRANSLATE_NOOP("GGUF", "'{name}' is not a regular file. Choose a .gguf model file.").format(
                name=name))
        with open(file_path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size == 0:
                raise GGUFError(QT_TRANSLATE_NOOP(
                    "GGUF", "'{name}' is empty (0 bytes). The download probably failed; download it again."
                ).format(name=name))
            return _Parser(f, size, name).parse(file_path)
    except GGUFError:
        raise
    except (FileNotFoundError, NotADirectoryError):
        raise GGUFError(QT_TRANSLATE_NOOP(
            "GGUF", "'{name}' was not found. Check that the file still exists at "
            "{path} or choose the model again."
        ).format(name=name, path=str(file_path))) from None
    except IsADirectoryError:
        raise _folder_error(name) from None
    except PermissionError:
        raise GGUFError(QT_TRANSLATE_NOOP(
            "GGUF", "Inkwell is not allowed to read '{name}' (permission denied). "
            "Check the file's permissions, or move it to a folder you own."
        ).format(name=name)) from None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise GGUFError(QT_TRANSLATE_NOOP("GGUF", "'{name}' could not be read: {reason}.").format(
            name=name, reason=reason)) from exc
    except (struct.error, UnicodeError, ValueError, OverflowError) as exc:
        # Should not happen (the parser checks sizes before decoding), but
        # the promise is: only GGUFError leaves this function.
        raise GGUFError(_corrupt_message(name, QT_TRANSLATE_NOOP("GGUF", "unreadable header: {error}").format(
            error=str(exc)))) from exc


def _folder_error(name: str) -> GGUFError:
    return GGUFError(QT_TRANSLATE_NOOP(
        "GGUF", "'{name}' is a folder, not a model file. Choose the .gguf file inside it.").format(name=name))
