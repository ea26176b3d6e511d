"""Whether a model fits in this computer's memory, in words; sizes for people."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Final

from app.core.gguf import GGUFInfo
from app.core.library.catalog import CatalogEntry
from app.core.library.discovery import ModelFile
from app.core.offload import KV_BYTES_PER_ELEMENT, memory_needed
from app.core.translatable import QT_TRANSLATE_NOOP

# The context the fit labels assume: the app's automatic context length.
FIT_CONTEXT = 8192


class Fit(str, Enum):
    """How a model fits in memory. A str, so it compares equal to its text."""

    FITS = "fits"
    TIGHT = "tight"
    WONT_FIT = "won't fit"
    UNKNOWN = "unknown"

    def __str__(self) -> str:  # not "Fit.FITS", which (str, Enum) gives by default
        return self.value


# A model "fits" when it needs at most this share of the free memory: the
# rest is for the OS, the app and the estimate's error. Above it, up to all
# of the free memory, it is "tight": it may load but push other programs out.
FIT_FRACTION: Final = 0.8

# A catalog model has no header to read yet: its memory is estimated as the
# download size times this factor, which stands in for llama.cpp's compute
# buffers (offload.memory_needed counts 5% + 64 MiB) and a little more, plus
# the KV cache below.
CATALOG_SIZE_FACTOR: Final = 1.1

# f16 KV cache per token of context, per billion parameters, for catalog
# entries without kv_bytes_per_token. Real models spread widely around it:
# with grouped-query attention (Qwen2.5, Llama 3, Mistral) they need 12-40
# KiB per billion, with classic multi-head attention (Phi-3.5, SmolLM2)
# about 110. 64 KiB is a middle that is off by at most about 2x for the
# second kind; the catalog gives the exact figure for every model it lists.
KV_BYTES_PER_TOKEN_PER_BILLION: Final = 64 * 1024


# The labels in the interface's words (a Fit's value is also what the CLI prints).
FIT_TEXT: Final = {
    Fit.FITS: QT_TRANSLATE_NOOP("Library", "fits"),
    Fit.TIGHT: QT_TRANSLATE_NOOP("Library", "tight"),
    Fit.WONT_FIT: QT_TRANSLATE_NOOP("Library", "won't fit"),
    Fit.UNKNOWN: QT_TRANSLATE_NOOP("Library", "unknown"),
}


def _judge(
    needed: int, n_ctx: int, available_ram: int | None, free_vram: int | None
) -> tuple[Fit, str]:
    """The label and its explanation for ``needed`` bytes against free memory."""
    if n_ctx > 0:
        need = QT_TRANSLATE_NOOP("Library", "needs about {size} at {context} tokens of context").format(
            size=format_size(needed), context=f"{n_ctx:,}")
    else:
        need = QT_TRANSLATE_NOOP("Library", "needs about {size}").format(size=format_size(needed))
    if available_ram is None and free_vram is None:
        return Fit.UNKNOWN, QT_TRANSLATE_NOOP(
            "Library", "{need}; Inkwell could not read this computer's free memory").format(need=need)

    ram = max(available_ram or 0, 0)
    vram = max(free_vram or 0, 0)
    free = ram + vram
    if available_ram is not None and free_vram is not None:
        free_text = QT_TRANSLATE_NOOP("Library", "{free} free ({ram} RAM + {vram} GPU)").format(
            free=format_size(free), ram=format_size(ram), vram=format_size(vram))
    elif free_vram is not None:
        free_text = QT_TRANSLATE_NOOP("Library", "{free} free on the GPU").format(free=format_size(free))
    else:
        free_text = QT_TRANSLATE_NOOP("Library", "{free} free").format(free=format_size(free))

    if needed <= FIT_FRACTION * free:
        return Fit.FITS, QT_TRANSLATE_NOOP("Library", "{need}; {free}").format(need=need, free=free_text)
    if needed <= free:
        return Fit.TIGHT, QT_TRANSLATE_NOOP(
            "Library", "{need}, close to the {free}; close other programs or use a shorter context"
        ).format(need=need, free=free_text)
    if available_ram is None:
        # Only the GPU's memory is known; the model may still fit in RAM.
        return Fit.UNKNOWN, QT_TRANSLATE_NOOP(
            "Library", "{need}; {free}, and Inkwell could not read the free RAM").format(need=need, free=free_text)
    return Fit.WONT_FIT, QT_TRANSLATE_NOOP("Library", "{need}, but only {free}").format(need=need, free=free_text)


def fit_label(
    info: GGUFInfo,
    n_ctx: int,
    available_ram: int | None,
    free_vram: int | None,
    kv_type: str = "f16",
    *,
    total_bytes: int | None = None,
) -> tuple[Fit, str]:
    """Whether the model of ``info`` fits at ``n_ctx`` tokens, with a sentence why.

    Memory as :func:`app.core.offload.memory_needed` estimates it (weights,
    KV cache, compute buffers), against RAM available plus free GPU memory:
    "fits" up to 80% of that, "tight" up to 100%, "won't fit" beyond.
    "unknown" when the free memory could not be read. ``n_ctx`` <= 0 means
    the model's trained context. On unified memory (Apple Silicon) pass
    ``free_vram=None``: the GPU's memory is the RAM, and adding both would
    count it twice.

    ``total_bytes`` is for split models, whose first part's header
    describes only the tensors in that part: the weights are then taken as
    all parts' size and the layer count from the metadata (use
    :func:`model_fit`, which does this).
    """
    if total_bytes is not None and total_bytes > info.file_size:
        # Without per-tensor sizes offload falls back to data_end - data_offset
        # for the weights and to {arch}.block_count for the layers; point
        # those at the whole model.
        info = replace(info, layer_bytes=(), other_bytes=0, data_offset=0, data_end=total_bytes)
    needed = memory_needed(info, n_ctx, kv_type)
    ctx = n_ctx if n_ctx > 0 else (info.context_length or 0)
    return _judge(needed, ctx, available_ram, free_vram)


def model_fit(
    model: ModelFile,
    n_ctx: int,
    available_ram: int | None,
    free_vram: int | None,
    kv_type: str = "f16",
) -> tuple[Fit, str]:
    """:func:`fit_label` for a discovered model; "unknown" with the problem
    when its header could not be read or it cannot be used (a file without
    weights "fits" anywhere, and means nothing by it)."""
    if model.info is None or model.problem:
        return Fit.UNKNOWN, model.problem or QT_TRANSLATE_NOOP("Library", "the model file could not be read")
    total = model.size_bytes if len(model.parts) > 1 else None
    return fit_label(model.info, n_ctx, available_ram, free_vram, kv_type, total_bytes=total)


def _catalog_kv_bytes(entry: CatalogEntry, n_ctx: int, kv_type: str) -> int:
    per_element = KV_BYTES_PER_ELEMENT.get(kv_type.strip().lower())
    if per_element is None:
        known = ", ".join(KV_BYTES_PER_ELEMENT)
        raise ValueError(f"unknown KV cache type {kv_type!r} (known: {known})")
    per_token_f16 = entry.kv_bytes_per_token or int(
        entry.parameter_billions * KV_BYTES_PER_TOKEN_PER_BILLION
    )
    return int(per_token_f16 * n_ctx * per_element / KV_BYTES_PER_ELEMENT["f16"])


def catalog_fit(
    entry: CatalogEntry,
    n_ctx: int,
    available_ram: int | None,
    free_vram: int | None,
    kv_type: str = "f16",
) -> tuple[Fit, str]:
    """Whether a catalog model would fit, before downloading it.

    A rough estimate, with the same thresholds as :func:`fit_label`:
    ``size_bytes`` x 1.1 (weights and compute buffers) + KV cache, the
    cache being ``kv_bytes_per_token`` x ``n_ctx`` (scaled from f16 to
    ``kv_type``), or, without that figure, 64 KiB x billions of parameters
    x ``n_ctx`` (see KV_BYTES_PER_TOKEN_PER_BILLION). ``n_ctx`` <= 0 means
    the model's trained context.
    """
    ctx = n_ctx if n_ctx > 0 else entry.context_length
    needed = int(entry.size_bytes * CATALOG_SIZE_FACTOR) + _catalog_kv_bytes(entry, ctx, kv_type)
    return _judge(needed, ctx, available_ram, free_vram)


_UNITS: Final = ("KB", "MB", "GB", "TB")


def format_size(n: int) -> str:
    """A byte count for people, in decimal units as disks and Hugging Face
    show them: "512 bytes", "98 MB", "1.4 GB", "11.2 GB".

    KB and MB are whole numbers (a tenth of a megabyte means nothing to
    anyone choosing a model); GB and TB have one decimal.
    """
    n = max(int(n), 0)
    if n < 1000:
        return "1 byte" if n == 1 else f"{n} bytes"
    value = float(n)
    for index, unit in enumerate(_UNITS):
        value /= 1000
        decimals = 1 if unit in ("GB", "TB") else 0
        text = f"{value:,.{decimals}f}"
        # Rounding can reach the next unit (999,600 bytes -> "1000 KB"): move on.
        if float(text.replace(",", "")) < 1000 or index == len(_UNITS) - 1:
            return f"{text} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover
