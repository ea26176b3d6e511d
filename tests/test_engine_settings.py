"""Engine options from the settings, with the real starter model on this CPU build."""

import pytest

from app.core.generation import GenerationRequest, LoadParams, SamplerSettings
from app.engine.headless import EngineFailure, HeadlessEngine


@pytest.fixture
def engine(qapp):
    engine = HeadlessEngine()
    yield engine
    engine.close()


def test_cpu_build_says_honestly_that_it_has_no_gpu_backend(engine, starter_model):
    def supported(_backend):
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())

    if engine.run(supported):
        pytest.skip("this llama.cpp build has a GPU backend")
    info = engine.load(str(starter_model), LoadParams(n_ctx=512, gpu_offload="all"))
    assert info.gpu_layers == 0 and not info.gpu_offload_supported
    assert info.backend == "CPU"
    assert "no GPU backend" in info.offload_note
    report = engine.run(lambda backend: backend.report())
    assert "llama.cpp backend: CPU" in report and "no GPU backend" in report


def test_automatic_context_and_threads(engine, starter_model):
    from app.core.hardware import physical_cores

    info = engine.load(str(starter_model), LoadParams())  # everything automatic
    assert info.n_ctx == 8192  # the model's trained length, which fits in memory here
    assert info.n_threads == physical_cores()
    assert info.total_layers == 30


def test_quantized_kv_cache_loads_with_flash_attention(engine, starter_model):
    engine.load(str(starter_model), LoadParams(n_ctx=512, kv_cache_type="q8_0"))
    stats = engine.generate(GenerationRequest(prompt="Once upon a time", max_tokens=8))
    assert stats.generated_tokens > 0


def test_quantized_kv_cache_without_flash_attention_is_refused(engine, starter_model):
    with pytest.raises(EngineFailure, match="needs flash attention"):
        engine.load(str(starter_model), LoadParams(n_ctx=512, kv_cache_type="q4_0", flash_attention="off"))


def test_dry_sampler_runs_and_is_removed_after_the_request(engine, starter_model):
    engine.load(str(starter_model), LoadParams(n_ctx=512))
    dry = SamplerSettings(seed=4, dry_multiplier=0.8, dry_base=1.75, dry_allowed_length=2)
    request = GenerationRequest(prompt="The cat sat on the mat. The cat sat on the", max_tokens=24, sampler=dry)
    stats = engine.generate(request)
    assert stats.generated_tokens > 0
    assert engine.run(lambda backend: "_init_sampler" in vars(backend.llm)) is False
    plain = engine.generate(GenerationRequest(prompt="Hello", max_tokens=4, sampler=SamplerSettings(seed=4)))
    assert plain.generated_tokens > 0
