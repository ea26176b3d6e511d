"""How much of a model to put on the GPU, and how much memory it needs.

llama.cpp runs a model fastest with all of its layers on the GPU, but fails
to load (or crawls, swapping) when they do not fit. Its knob, n_gpu_layers,
means nothing to most people, so Inkwell's "Auto" setting estimates from the
model file how many layers fit in the GPU's free memory, and says why in
words (:class:`OffloadPlan`.reason).

The estimate follows how llama.cpp places a model (llama-model.cpp,
``load_tensors``): with n_gpu_layers = n, the *last* n repeating blocks go
to the GPU, each with its slice of the KV cache; the output layer (final
norm and output matrix) goes too only when n exceeds the block count, which
is what llama-cpp-python's n_gpu_layers = -1 asks for. Token embeddings stay
in RAM, but they are counted with the output anyway: models with tied
embeddings load them a second time as the output matrix, and erring high
costs one layer at worst, where erring low costs a failed load.

Pure standard library: this is the core layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from app.core.gguf import GGUFInfo
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

__all__ = [
    "KV_BYTES_PER_ELEMENT",
    "OffloadPlan",
    "kv_cache_bytes",
    "memory_needed",
    "plan_offload",
]

# Bytes per cached K or V element for each llama.cpp cache type: quantised
# types store blocks of 32 elements (q8_0: 32 bytes + a 2-byte scale).
KV_BYTES_PER_ELEMENT: Final[dict[str, float]] = {
    "f32": 4.0,
    "f16": 2.0,
    "bf16": 2.0,
    "q8_0": 34 / 32,
    "q5_1": 24 / 32,
    "q5_0": 22 / 32,
    "q4_1": 20 / 32,
    "q4_0": 18 / 32,
    "iq4_nl": 18 / 32,
}

_MIB: Final = 1 << 20

# Besides weights and KV cache, llama.cpp allocates compute buffers for the
# intermediate results of a batch (activations, attention scores, logits).
# They grow with the model and the batch; 5% of the weights plus 64 MiB covers
# what llama.cpp reports for common models at its default batch sizes.
COMPUTE_FRACTION: Final = 0.05
COMPUTE_BASE_BYTES: Final = 64 * _MIB


# --------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------


def _weights_bytes(info: GGUFInfo) -> int:
    """Bytes of tensor data: from the tensor sizes, else the data section."""
    counted = sum(info.layer_bytes) + info.other_bytes
    if counted > 0:
        return counted
    if info.data_offset > 0:
        return max(0, info.data_end - info.data_offset)
    return max(0, info.data_end or info.file_size)


def _total_layers(info: GGUFInfo) -> int:
    return len(info.layer_bytes) or info.block_count or 0


def _arch_int(info: GGUFInfo, suffix: str) -> int | None:
    """A positive integer metadata value "{architecture}.{suffix}", else None."""
    value = info.metadata.get(f"{info.architecture}.{suffix}")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _kv_width(info: GGUFInfo) -> tuple[int, int]:
    """Elements cached per token and layer for K and for V.

    head_count_kv x head size; the head size is {arch}.attention.key_length /
    value_length where the model gives them (they differ in some models),
    else embedding_length / head_count, as llama.cpp computes it. Without
    head counts (an odd architecture), assume no grouped-query attention:
    K and V each as wide as the embedding, which is the most they can be for
    ordinary attention, so the estimate errs high.
    """
    n_embd = info.embedding_length or 0
    n_head = info.head_count
    n_head_kv = info.head_count_kv
    if not n_head or not n_head_kv or n_head <= 0 or n_head_kv <= 0:
        return n_embd, n_embd
    default_dim = n_embd // n_head
    key_dim = _arch_int(info, "attention.key_length") or default_dim
    value_dim = _arch_int(info, "attention.value_length") or default_dim
    return n_head_kv * key_dim, n_head_kv * value_dim


def kv_cache_bytes(
    info: GGUFInfo, n_ctx: int, kv_type: str = "f16", layers: int | None = None
) -> int:
    """Bytes of KV cache for ``n_ctx`` tokens over ``layers`` layers (default: all).

    K and V: layers x n_ctx x head_count_kv x head size x bytes per element,
    each. ``n_ctx`` of 0 or less means the model's trained context, as in
    llama-cpp-python. Models with sliding-window or recurrent layers need
    less than this; the estimate errs high for them.

    Raises ValueError for a ``kv_type`` not in :data:`KV_BYTES_PER_ELEMENT`.
    """
    per_element = KV_BYTES_PER_ELEMENT.get(kv_type.strip().lower())
    if per_element is None:
        known = ", ".join(KV_BYTES_PER_ELEMENT)
        raise ValueError(f"unknown KV cache type {kv_type!r} (known: {known})")
    if n_ctx <= 0:
        n_ctx = info.context_length or 0
    if layers is None:
        layers = _total_layers(info)
    if layers <= 0 or n_ctx <= 0:
        return 0
    key_width, value_width = _kv_width(info)
    return math.ceil(layers * n_ctx * (key_width + value_width) * per_element)


def memory_needed(info: GGUFInfo, n_ctx: int, kv_type: str = "f16") -> int:
    """Bytes of memory (RAM and VRAM together) to run the model at ``n_ctx``.

    Weights (the file's tensor data) + KV cache + a compute-buffer allowance
    of 5% of the weights plus 64 MiB (see COMPUTE_FRACTION).
    """
    weights = _weights_bytes(info)
    compute = int(weights * COMPUTE_FRACTION) + COMPUTE_BASE_BYTES
    return weights + kv_cache_bytes(info, n_ctx, kv_type) + compute


# --------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class OffloadPlan:
    """How many layers go on the GPU, and why, in words for a person.

    ``layers`` counts repeating blocks, 0 to ``total_layers``; ``layers ==
    total_layers`` (and > 0) means the whole model, output layer included.
    ``gpu_bytes`` is the estimated VRAM that takes (weights and KV cache;
    compute buffers come on top, covered by the margin). ``reason`` is a
    phrase without a final full stop, e.g. "all 30 layers fit in 7.1 GB free
    on NVIDIA GeForce RTX 3060".
    """

    layers: int
    total_layers: int
    gpu_bytes: int
    reason: str

    @property
    def n_gpu_layers(self) -> int:
        """The value for llama-cpp-python's n_gpu_layers.

        -1 (everything, output layer included) for the whole model: passing
        the block count would leave the output matrix, one of the largest
        tensors, on the CPU.
        """
        if self.layers > 0 and self.layers >= self.total_layers:
            return -1
        return self.layers


def _gb(n_bytes: int) -> str:
    return f"{max(n_bytes, 0) / 1e9:.1f} GB"


def _free(free_vram: int, device_name: str) -> Translatable:
    """ "7.1 GB free on NVIDIA GeForce RTX 3060", or without the device when it has no name."""
    if device_name:
        return QT_TRANSLATE_NOOP("Offload", "{size} free on {device}").format(size=_gb(free_vram), device=device_name)
    return QT_TRANSLATE_NOOP("Offload", "{size} free").format(size=_gb(free_vram))


def _layer_costs(info: GGUFInfo, n_ctx: int, kv_type: str) -> tuple[list[int], int]:
    """Bytes each block needs on the GPU, in file order, and the output's bytes.

    Without per-block sizes (a hand-built GGUFInfo) the weights are spread
    evenly over the blocks plus one share for the output.
    """
    total = _total_layers(info)
    kv_per_layer = kv_cache_bytes(info, n_ctx, kv_type, layers=1)
    if info.layer_bytes:
        weights = list(info.layer_bytes)
        other = info.other_bytes
    else:
        share = _weights_bytes(info) // (total + 1) if total else 0
        weights = [share] * total
        other = share
    return [w + kv_per_layer for w in weights], other


def _gpu_bytes(costs: list[int], other: int, layers: int) -> int:
    """VRAM for llama.cpp's n_gpu_layers = ``layers``: the last blocks, and
    the output layer with the whole model."""
    if layers <= 0:
        return 0
    on_gpu = sum(costs[len(costs) - layers :])
    return on_gpu + other if layers >= len(costs) else on_gpu


def _parse_setting(setting: str) -> str | int | None:
    """The setting as "auto", "all", "off" or a layer count; None if it is none
    of these. A negative count means all, as in llama.cpp."""
    text = setting.strip().lower()
    if text in ("auto", "all", "off"):
        return text
    try:
        count = int(text)
    except ValueError:
        return None
    return "all" if count < 0 else count


def plan_offload(
    info: GGUFInfo,
    n_ctx: int,
    setting: str,
    free_vram: int | None,
    *,
    kv_type: str = "f16",
    gpu_backend: bool = True,
    device_name: str = "",
    margin_bytes: int = 512 * _MIB,
    margin_fraction: float = 0.10,
) -> OffloadPlan:
    """Decide how many layers of ``info``'s model to offload.

    ``setting`` is the user's choice: "auto", "all", "off" or a number of
    layers; anything else is taken as "auto" and the reason says so.
    ``free_vram`` is the GPU's free memory in bytes, None when no GPU was
    found. ``gpu_backend`` says whether this llama.cpp build can offload at
    all. Auto keeps a margin free for compute buffers, the desktop and other
    programs: the larger of ``margin_bytes`` and ``margin_fraction`` of the
    free memory. An explicit "all" or number is obeyed even when it does
    not seem to fit (the user may know better, e.g. an AMD GPU Inkwell
    cannot measure); the reason then warns.
    """
    total = _total_layers(info)
    costs, other = _layer_costs(info, n_ctx, kv_type)
    parsed = _parse_setting(setting)
    not_a_setting = parsed is None
    if not_a_setting:
        parsed = "auto"

    def plan(layers: int, reason: Translatable) -> OffloadPlan:
        if not_a_setting:
            reason = QT_TRANSLATE_NOOP("Offload", "'{setting}' is not an offload setting, so Auto: {reason}").format(
                setting=setting.strip(), reason=reason)
        return OffloadPlan(layers, total, _gpu_bytes(costs, other, layers), reason)

    if parsed == "off":
        return plan(0, QT_TRANSLATE_NOOP("Offload", "GPU offload is off"))
    if not gpu_backend:
        return plan(0, QT_TRANSLATE_NOOP("Offload", "this llama.cpp build has no GPU backend"))
    if total == 0:
        return plan(0, QT_TRANSLATE_NOOP("Offload", "the model file does not say how many layers it has"))

    if parsed != "auto":
        layers = total if parsed == "all" else min(int(parsed), total)
        need = _gpu_bytes(costs, other, layers)
        if layers == total:
            what = QT_TRANSLATE_NOOP("Offload", "all {total} layers").format(total=total)
        else:
            what = QT_TRANSLATE_NOOP("Offload", "{layers} of {total} layers").format(layers=layers, total=total)
        if layers == 0:
            return plan(0, QT_TRANSLATE_NOOP("Offload", "0 layers on the GPU, as set"))
        if free_vram is None:
            return plan(layers, QT_TRANSLATE_NOOP(
                "Offload", "{what} on the GPU, as set (free GPU memory unknown)").format(what=what))
        if need > free_vram and device_name:
            return plan(layers, QT_TRANSLATE_NOOP(
                "Offload", "{what} on the GPU, as set, though they need about {need} "
                "and only {free} is free on {device}; loading may fail"
            ).format(what=what, need=_gb(need), free=_gb(free_vram), device=device_name))
        if need > free_vram:
            return plan(layers, QT_TRANSLATE_NOOP(
                "Offload", "{what} on the GPU, as set, though they need about {need} "
                "and only {free} is free; loading may fail"
            ).format(what=what, need=_gb(need), free=_gb(free_vram)))
        return plan(layers, QT_TRANSLATE_NOOP("Offload", "{what} on the GPU, as set").format(what=what))

    if free_vram is None:
        if device_name:
            return plan(0, QT_TRANSLATE_NOOP("Offload", "the free memory of {device} is unknown").format(device=device_name))
        return plan(0, QT_TRANSLATE_NOOP("Offload", "no GPU found"))

    margin = max(margin_bytes, int(margin_fraction * free_vram))
    budget = free_vram - margin
    # The cost grows with every layer, so the first count from the top that
    # fits is the largest.
    layers = next(
        (n for n in range(total, 0, -1) if _gpu_bytes(costs, other, n) <= budget), 0
    )
    free = _free(free_vram, device_name)
    if layers == total:
        return plan(layers, QT_TRANSLATE_NOOP("Offload", "all {total} layers fit in {free}").format(total=total, free=free))
    if layers == 0:
        return plan(0, QT_TRANSLATE_NOOP("Offload", "not even one layer fits in {free}").format(free=free))
    return plan(layers, QT_TRANSLATE_NOOP("Offload", "{layers} of {total} layers fit in {free}").format(
        layers=layers, total=total, free=free))
