"""Reading a GGUF file's header: the key/value metadata and the tensor
descriptions, checked, with every problem as a :class:`GGUFError`.

Tensor data is never read; its expected end is computed from the tensor
descriptions, which is enough to notice an interrupted download. Large
metadata arrays (tokenizer vocabularies, merges) are skipped, not loaded:
fixed-size elements by seeking over them, string elements by reading only
their length prefixes out of an in-memory chunk.
"""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path
from typing import BinaryIO, Final

from app.core.gguf.format import (
    ALIGNMENT_KEY,
    DEFAULT_ALIGNMENT,
    GGML_TYPES,
    MAGIC,
    MAX_DIMS,
    SCALAR_CODES,
    SCALARS,
    SUPPORTED_VERSIONS,
    T_ARRAY,
    T_BOOL,
    T_STRING,
    T_UINT32,
    VALUE_TYPE_NAMES,
)
from app.core.gguf.info import GGUFArraySummary, GGUFError, GGUFInfo, GGUFTextSummary
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

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

_U32: Final = struct.Struct("<I")
_U64: Final = struct.Struct("<Q")


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
        st = SCALARS.get(vtype)
        if st is not None:
            (value,) = st.unpack_from(self.read(st.size))
            return bool(value) if vtype == T_BOOL else value
        if vtype == T_STRING:
            return self.string_value()
        if vtype == T_ARRAY:
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
        if elem_type == T_ARRAY:
            # Valid per the spec, but llama.cpp refuses nested arrays.
            raise GGUFError(QT_TRANSLATE_NOOP(
                "GGUF", "'{name}' cannot be loaded: metadata '{key}' is an "
                "array of arrays, which llama.cpp does not support. Look for "
                "another GGUF file of this model."
            ).format(name=self._name, key=_show(key)))
        st = SCALARS.get(elem_type)
        if st is None and elem_type != T_STRING:
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

        type_name = VALUE_TYPE_NAMES[elem_type]
        if count > _MAX_INLINE_ARRAY:
            if st is None:
                self.skip_strings(count)
            else:
                self.skip(count * st.size)
            return GGUFArraySummary(type_name, count)
        if st is None:
            return [self.string_value() for _ in range(count)]
        values = struct.unpack_from(
            f"<{count}{SCALAR_CODES[elem_type]}", self.read(count * st.size)
        )
        if elem_type == T_BOOL:
            return [bool(v) for v in values]
        return list(values)

    # -- whole file ---------------------------------------------------------

    def check_magic_and_version(self) -> int:
        head = self._f.read(64)
        self._f.seek(0)
        if len(head) < 4 and MAGIC.startswith(head):
            raise self.truncated()
        if head[:4] != MAGIC:
            raise GGUFError(_not_gguf_message(self._name, head))
        self.skip(4)
        raw_version = self.read(4)
        version = int.from_bytes(raw_version, "little")
        if version in SUPPORTED_VERSIONS:
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
        alignment = DEFAULT_ALIGNMENT
        for _ in range(kv_count):
            key = self.key()
            if key in metadata:
                raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "metadata '{key}' appears twice").format(key=_show(key)))
            vtype = self.u32()
            value = self.value(key, vtype)
            metadata[key] = value
            if key == ALIGNMENT_KEY:
                # llama.cpp reads this with an assertion on the type, which
                # aborts the whole program; catch it here instead.
                if vtype != T_UINT32 or not isinstance(value, int):
                    raise self.corrupt(QT_TRANSLATE_NOOP("GGUF", "'{key}' is not a UINT32").format(key=ALIGNMENT_KEY))
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
            if n_dims > MAX_DIMS:
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
