"""Instant resume through the engine as the app drives it: requests named by their draft or
conversation, the engine restarted on the same folder, the window sliding by a KV shift."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from app.core.generation import ChatMessage, ContinuationSource, GenerationRequest, LoadParams, SamplerSettings
from app.core.state_cache import disk_usage, file_name
from app.engine.headless import HeadlessEngine
from app.engine.worker import IDLE_SAVE_MS

GREEDY = SamplerSettings(temperature=0.0, seed=7)
DRAFT = ("The lighthouse keeper had not spoken to anyone in three weeks when the boat appeared. "
         "It came through the fog without a light, its sail torn, and the keeper watched it from "
         "the gallery with a lamp in one hand and the logbook in the other. ") * 3
LETTER = "Dear Margaret, the garden is full of apples this year and the bees are slow with the cold."


def params_for(folder, **change) -> LoadParams:
    return replace(LoadParams(n_ctx=1024, n_threads=2, saved_state_dir=str(folder)), **change)


@pytest.fixture
def engines(qapp):
    started: list[HeadlessEngine] = []

    def start(model, params) -> HeadlessEngine:
        engine = HeadlessEngine()
        engine.load(str(model), params)
        started.append(engine)
        return engine

    yield start
    for engine in started:
        engine.close()


def draft_request(draft: str = DRAFT, key: str = "document:1") -> GenerationRequest:
    return GenerationRequest(continuation=ContinuationSource(draft), max_tokens=6, sampler=GREEDY, cache_key=key)


def chat_request(messages, key: str, max_tokens: int = 6) -> GenerationRequest:
    return GenerationRequest(messages=tuple(messages), max_tokens=max_tokens, sampler=GREEDY, ignore_eos=True,
                             cache_key=key)


def last(engine) -> object:
    return engine.run(lambda backend: backend.states.last)


def test_coming_back_to_a_draft_after_a_conversation_restores_its_prompt(engines, starter_model, tmp_path):
    engine = engines(starter_model, params_for(tmp_path))
    text: list[str] = []
    first = engine.generate(draft_request(), text.append)
    assert first.cached_tokens == 0
    engine.generate(chat_request([ChatMessage("user", "What is a lighthouse for?")], "conversation:1"))
    again_text: list[str] = []
    again = engine.generate(draft_request(), again_text.append)
    assert "".join(again_text) == "".join(text)
    assert again.cached_tokens == again.prompt_tokens == first.prompt_tokens
    assert last(engine).restored_from == "memory"


def test_after_a_restart_continuing_at_the_same_place_reads_the_state_from_disk(engines, starter_model, tmp_path):
    engine = engines(starter_model, params_for(tmp_path))
    text: list[str] = []
    first = engine.generate(draft_request(), text.append)
    engine.close()  # Inkwell closes: the draft's state is written
    assert (tmp_path / file_name("document:1")).is_file()

    restarted = engines(starter_model, params_for(tmp_path))
    again_text: list[str] = []
    again = restarted.generate(draft_request(), again_text.append)
    assert "".join(again_text) == "".join(text)
    assert again.cached_tokens == again.prompt_tokens == first.prompt_tokens
    assert last(restarted).restored_from == "disk"


def test_a_model_loaded_with_another_context_does_not_use_the_old_state(engines, starter_model, tmp_path):
    engine = engines(starter_model, params_for(tmp_path))
    engine.generate(draft_request())
    engine.load(str(starter_model), params_for(tmp_path, n_ctx=2048))  # the state is kept as the model goes
    again = engine.generate(draft_request())
    assert again.cached_tokens == 0
    assert last(engine).restored == 0
    engine.close()
    assert (tmp_path / file_name("document:1")).is_file()  # now made for the 2,048-token context


def test_between_requests_the_state_reaches_the_disk_without_a_restart(engines, starter_model, tmp_path):
    engine = engines(starter_model, params_for(tmp_path))
    engine.generate(draft_request())
    deadline = time.monotonic() + IDLE_SAVE_MS / 1000 + 20
    while not (tmp_path / file_name("document:1")).exists() and time.monotonic() < deadline:
        engine.app.processEvents()
        time.sleep(0.05)
    assert (tmp_path / file_name("document:1")).exists()


def test_nothing_is_kept_when_saved_state_is_off_or_nobody_is_named(engines, starter_model, tmp_path):
    off = engines(starter_model, params_for(tmp_path / "off", saved_state=False))
    off.generate(draft_request())
    off.generate(draft_request(key="document:2"))
    off.close()
    assert disk_usage(tmp_path / "off") == 0
    unnamed = engines(starter_model, params_for(tmp_path / "unnamed"))
    unnamed.generate(draft_request(key=""))
    unnamed.generate(chat_request([ChatMessage("user", "Hello")], ""))
    unnamed.close()
    assert disk_usage(tmp_path / "unnamed") == 0


def test_clear_the_cache_forgets_memory_and_disk(engines, starter_model, tmp_path):
    engine = engines(starter_model, params_for(tmp_path))
    engine.host.state_dir = tmp_path
    engine.generate(draft_request())
    engine.generate(draft_request(LETTER, key="document:2"))  # keeps document:1
    engine.run(lambda backend: backend.states.cache.flush(10))
    used = engine.host.saved_state_bytes()
    assert used > 0
    freed = engine._wait(lambda done: engine.host.clear_saved_state().listen(
        lambda result: done(True, result), lambda message: done(False, message)))
    assert freed == used
    assert engine.host.saved_state_bytes() == 0
    assert engine.generate(draft_request()).cached_tokens <= 1  # the start token it shares with the letter


def test_a_conversation_past_its_context_shifts_the_window_instead_of_reading_it_again(engines, starter_model, tmp_path):
    engine = engines(starter_model, params_for(tmp_path, n_ctx=512))
    history = [ChatMessage("system", "You are a helpful writing assistant.")]
    slid = []
    for turn in range(14):
        history.append(ChatMessage("user", f"Question {turn}: tell me one more thing about the keeper's "
                                           "lighthouse, its lamp, its stairs and the logbook he keeps."))
        chunks: list[str] = []
        stats = engine.generate(chat_request(history, "conversation:window", max_tokens=32), chunks.append)
        history.append(ChatMessage("assistant", "".join(chunks)))
        if stats.dropped_messages:
            slid.append((stats, last(engine)))
    assert len(slid) >= 3, "the conversation never outgrew the context"
    for stats, prepared in slid:
        assert prepared.shifted > 0 and prepared.discarded > 0
        # Only the newest turn (and the end of the last reply, tokenized again) is evaluated.
        assert stats.prompt_tokens - stats.cached_tokens < 100
        assert stats.cached_tokens > stats.prompt_tokens // 2
