"""What reading a GGUF file gives: its header as a :class:`GGUFInfo`, or a
:class:`GGUFError` that says, for a person, why the file cannot be used."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.core.gguf.format import LLAMA_FTYPE_NAMES

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
