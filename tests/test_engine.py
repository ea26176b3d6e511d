"""The engine thread with the real starter model: streaming, cancel, bad files, limits."""

import threading

import pytest

from dataclasses import replace

from app.core.generation import (
    ChatMessage, GenerationRequest, GenerationStats, LoadParams, SamplerSettings,
)
from app.engine.worker import EngineWorker
from app.engine.headless import EngineFailure, HeadlessEngine

HELLO = (ChatMessage("user", "Say hello in one short sentence."),)


@pytest.fixture(scope="module")
def engine(qapp, starter_model):
    engine = HeadlessEngine()
    info = engine.load(str(starter_model), LoadParams(n_ctx=2048))
    assert info.n_ctx == 2048
    yield engine
    engine.close()


def chat(engine, messages=HELLO, **kwargs):
    chunks: list[str] = []
    kwargs.setdefault("sampler", SamplerSettings(seed=42))
    stats = engine.generate(GenerationRequest(messages=messages, **kwargs), chunks.append)
    return "".join(chunks), chunks, stats


def test_model_facts(engine, starter_model):
    info = engine.host.model_info
    assert info.path == str(starter_model)
    assert info.architecture == "llama"
    assert info.has_chat_template
    assert info.n_ctx_train == 8192


def test_short_reply_streams_with_stats(engine):
    text, chunks, stats = chat(engine, max_tokens=24)
    assert text.strip()
    assert chunks and all(chunks)
    assert stats.finish_reason in ("stop", "length")
    assert 0 < stats.generated_tokens <= 24
    assert stats.prompt_tokens > 5
    assert stats.time_to_first_token > 0
    assert stats.tokens_per_second > 0
    assert "<|im_end|>" not in text and "<|im_start|>" not in text


def test_same_seed_gives_same_reply(engine):
    first, _, _ = chat(engine, max_tokens=16)
    second, _, second_stats = chat(engine, max_tokens=16)
    assert first == second
    # The identical prompt is served from the KV cache the second time.
    assert second_stats.cached_tokens > 0


def test_cancel_mid_reply_then_next_request_is_consistent(engine):
    long_request = GenerationRequest(
        messages=(ChatMessage("user", "Write a very long story about the sea."),),
        max_tokens=1500,
        ignore_eos=True,
        sampler=SamplerSettings(seed=3),
    )
    # The reference follows the same request ended normally, so that both replies reuse the
    # same cached prefix: llama.cpp's results are not bit-identical across different batch
    # splits on every CPU (AVX-512 kernels differ in the last bits), so a reference from an
    # empty cache would compare two different computations.
    engine.generate(replace(long_request, max_tokens=8))
    reference, _, _ = chat(engine, max_tokens=16)
    received: list[str] = []

    def on_text(text):
        received.append(text)
        engine.cancel()

    stats = engine.generate(long_request, on_text)
    assert stats.finish_reason == "cancelled"
    assert received
    assert stats.generated_tokens < 300  # stopped within a few batches, not at 1500
    # The KV cache holds a prefix of the cancelled reply; the next reply must not be affected.
    again, _, again_stats = chat(engine, max_tokens=16)
    assert again == reference
    assert again_stats.finish_reason in ("stop", "length")


class PolledEvent(threading.Event):
    """Reports itself set after being polled ``after`` times: a cancel that lands while
    llama.cpp is still evaluating the prompt, without depending on timing."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.polls = 0
        self.after = after

    def is_set(self) -> bool:
        self.polls += 1
        return self.polls > self.after or super().is_set()


def test_cancel_stops_long_prompt_evaluation(engine):
    long_text = "The quick brown fox jumps over the lazy dog. " * 150  # about 1500 tokens
    request = GenerationRequest(prompt=long_text, max_tokens=8)

    def job(backend):
        cancel = PolledEvent(after=3)
        stats = backend.generate(request, lambda _text: None, cancel)
        return stats, backend.llm.n_tokens, len(backend.tokenize_prompt(long_text))

    stats, evaluated, prompt_tokens = engine.run(job)
    assert stats.finish_reason == "cancelled"
    assert stats.generated_tokens == 0
    assert prompt_tokens > 1024
    assert evaluated < prompt_tokens  # the abort callback stopped evaluation part-way
    text, _, after = chat(engine, max_tokens=8)
    assert after.finish_reason in ("stop", "length") and text


def test_stop_string_ends_reply(engine):
    request = GenerationRequest(prompt="List of fruits: apple, banana, cherry,", max_tokens=40,
                                stop=(",",), sampler=SamplerSettings(seed=1, temperature=0.0))
    chunks: list[str] = []
    stats = engine.generate(request, chunks.append)
    assert stats.finish_reason == "stop"
    assert "," not in "".join(chunks)


def test_ignore_eos_generates_exact_length(engine):
    request = GenerationRequest(prompt="Hi", max_tokens=40, ignore_eos=True, sampler=SamplerSettings(seed=5))
    stats = engine.generate(request)
    assert stats.generated_tokens == 40
    assert stats.finish_reason == "length"


def test_too_long_prompt_fails_clearly(engine):
    request = GenerationRequest(prompt="word " * 3000, max_tokens=8)
    with pytest.raises(EngineFailure, match="too long for the model's context"):
        engine.generate(request)
    _, _, stats = chat(engine, max_tokens=4)  # and the engine carries on
    assert stats.generated_tokens > 0


def test_long_conversation_drops_oldest_messages(engine):
    history = []
    for index in range(12):
        history.append(ChatMessage("user", f"Question {index}: " + "tell me more " * 40))
        history.append(ChatMessage("assistant", "Here is more. " * 40))
    history.append(ChatMessage("user", "Thanks!"))
    _, _, stats = chat(engine, messages=tuple(history), max_tokens=8)
    assert stats.dropped_messages > 0
    assert stats.prompt_tokens < 2048


@pytest.mark.parametrize(
    "kind, phrase",
    [
        ("missing", "not found"),
        ("empty", "empty"),
        ("not_gguf", "not a GGUF"),
        ("truncated", "incomplete"),
        ("corrupt", "corrupt"),
    ],
)
def test_bad_model_file_fails_with_message(qapp, bad_model_files, kind, phrase):
    engine = HeadlessEngine()
    try:
        with pytest.raises(EngineFailure) as failure:
            engine.load(str(bad_model_files[kind]), LoadParams(n_ctx=512))
        message = str(failure.value)
        assert phrase.lower() in message.lower()
        assert bad_model_files[kind].name in message
    finally:
        engine.close()


def test_engine_keeps_working_after_a_bad_file(qapp, starter_model, bad_model_files):
    engine = HeadlessEngine()
    try:
        with pytest.raises(EngineFailure):
            engine.load(str(bad_model_files["not_gguf"]), LoadParams(n_ctx=512))
        info = engine.load(str(starter_model), LoadParams(n_ctx=512))
        assert info.n_ctx == 512
        stats = engine.generate(GenerationRequest(prompt="Hello", max_tokens=4))
        assert stats.generated_tokens > 0
    finally:
        engine.close()


class BurstBackend:
    """Emits many pieces at once, as a fast model on a GPU would."""

    def generate(self, request, emit, cancel, on_tokens=None):
        for index in range(500):
            emit(f"t{index} ")
        return GenerationStats(request.request_id, "length", generated_tokens=500)

    def unload(self):
        pass


def test_worker_batches_fast_streams(qtbot):
    worker = EngineWorker(backend_factory=BurstBackend)
    received: list[str] = []
    worker.chunk.connect(lambda _rid, text: received.append(text))
    request = GenerationRequest(prompt="x")
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.generate(request, threading.Event())
    assert "".join(received) == "".join(f"t{i} " for i in range(500))
    assert len(received) <= 3  # one signal per ~30 ms, not one per token


def test_model_without_chat_template_uses_plain_format(qapp, no_template_model):
    engine = HeadlessEngine()
    try:
        info = engine.load(str(no_template_model), LoadParams(n_ctx=512))
        assert not info.has_chat_template

        def prompt_text(backend):
            tokens, stops, _, fallback = backend.chat_prompt_tokens(HELLO, 400)
            return backend.llm.detokenize(tokens).decode(), stops, fallback

        text, stops, fallback = engine.run(prompt_text)
        assert fallback
        assert text.endswith("User: Say hello in one short sentence.\nAssistant:")
        assert "\nUser:" in stops
        chunks: list[str] = []
        # Greedy: a sampled first token can be the end of text on one CPU and not on another,
        # since their kernels round the logits differently.
        stats = engine.generate(GenerationRequest(messages=HELLO, max_tokens=12,
                                                  sampler=SamplerSettings(temperature=0.0)), chunks.append)
        assert stats.generated_tokens > 0
        assert "\nUser:" not in "".join(chunks)
    finally:
        engine.close()


def test_a_model_that_cannot_be_loaded_leaves_the_one_in_use(qapp, starter_model, bad_model_files,
                                                              unknown_architecture_model):
    engine = HeadlessEngine()
    try:
        engine.load(str(starter_model), LoadParams(n_ctx=512))
        attempts = [
            (bad_model_files["truncated"], LoadParams(n_ctx=512), "incomplete"),
            (bad_model_files["not_gguf"], LoadParams(n_ctx=512), "not a GGUF"),
            # Refused before anything is touched.
            (starter_model, LoadParams(n_ctx=1024, kv_cache_type="q8_0", flash_attention="off"), "flash attention"),
            # Refused by llama.cpp itself, after the model in use had to make room: loaded again.
            (unknown_architecture_model, LoadParams(n_ctx=512), "could not load"),
        ]
        for path, params, said in attempts:
            with pytest.raises(EngineFailure, match=said):
                engine.load(str(path), params)
            info = engine.host.model_info
            assert info is not None and info.path == str(starter_model) and info.n_ctx == 512, path
            stats = engine.generate(GenerationRequest(prompt="Hello", max_tokens=4))
            assert stats.generated_tokens > 0
    finally:
        engine.close()
