"""Whose state the KV cache holds, kept and brought back, with the real starter model."""

from __future__ import annotations

import pytest

import llama_cpp
from app.core.gguf import read_gguf
from app.core.state_cache import disk_usage, file_name
from app.engine import kv_state
from app.engine.resume import SessionStates, common_prefix

STORY = ("The lighthouse keeper had not spoken to anyone in three weeks when the boat appeared. "
         "It came through the fog without a light, its sail torn. ")
LETTER = "Dear Margaret, the garden is full of apples this year and the bees are slow with the cold. "


def _load(path) -> llama_cpp.Llama:
    return llama_cpp.Llama(model_path=str(path), n_ctx=1024, n_threads=2, verbose=False)


@pytest.fixture(scope="module")
def llm(starter_model):
    model = _load(starter_model)
    yield model
    model.close()


def states_for(starter_model, folder, **change) -> SessionStates:
    states = SessionStates()
    settings = {"n_ctx": 1024, "kv_type": "f16", "flash_attention": False, "gpu_layers": 0, **change}
    key = SessionStates.key_for(str(starter_model), read_gguf(starter_model).data_offset, **settings)
    states.configure(str(folder), True, 100, key)
    return states


def tokens_of(llm, text: str) -> list[int]:
    return llm.tokenize(text.encode(), add_bos=True, special=False)


def turn(llm, states: SessionStates, session: str, prompt: list[int], count: int = 4) -> tuple[list[int], int]:
    """A request as the backend makes it: the tokens generated, and how many prompt tokens
    the cache held already."""
    states.prepare(llm, session, prompt, window_moved=False)
    cached = common_prefix(kv_state.held_tokens(llm), prompt)
    out = []
    for token in llm.generate(prompt, temp=0.0, top_k=1):
        out.append(token)
        if len(out) == count:
            break
    states.finished()
    return out, cached


def test_leaving_a_draft_keeps_its_state_and_coming_back_restores_it(llm, starter_model, tmp_path):
    states = states_for(starter_model, tmp_path)
    story, letter = tokens_of(llm, STORY * 3), tokens_of(llm, LETTER * 3)
    kv_state.clear(llm)
    first, cached = turn(llm, states, "document:1", story)
    assert cached == 0
    turn(llm, states, "document:2", letter)  # the story's state is kept on the way out
    assert states.last.restored == 0
    again, cached = turn(llm, states, "document:1", story)
    assert again == first
    assert states.last.restored == len(story) and states.last.restored_from == "memory"
    assert cached == len(story)  # nothing of the prompt is evaluated again but its last token
    states.unload(llm)
    assert {path.name for path in tmp_path.iterdir()} == {file_name("document:1"), file_name("document:2")}


def test_after_a_restart_the_state_comes_from_disk(llm, starter_model, tmp_path):
    story = tokens_of(llm, STORY * 3)
    states = states_for(starter_model, tmp_path)
    kv_state.clear(llm)
    first, _ = turn(llm, states, "document:1", story)
    states.unload(llm)  # the model goes: its state is written
    states.close()

    other = _load(starter_model)
    try:
        restarted = states_for(starter_model, tmp_path)
        again, cached = turn(other, restarted, "document:1", story)
        assert again == first
        assert cached == len(story) and restarted.last.restored_from == "disk"
    finally:
        other.close()


def test_a_changed_setting_means_the_saved_state_is_not_used_and_goes(llm, starter_model, tmp_path):
    story = tokens_of(llm, STORY * 3)
    states = states_for(starter_model, tmp_path)
    kv_state.clear(llm)
    turn(llm, states, "document:1", story)
    states.unload(llm)
    states.close()
    kv_state.clear(llm)
    changed = states_for(starter_model, tmp_path, n_ctx=2048)
    _, cached = turn(llm, changed, "document:1", story)
    assert cached == 0 and changed.last.restored == 0
    assert not (tmp_path / file_name("document:1")).exists()


def test_a_state_is_restored_only_when_it_holds_more_of_the_prompt(llm, starter_model, tmp_path):
    states = states_for(starter_model, tmp_path)
    story = tokens_of(llm, STORY * 3)
    kv_state.clear(llm)
    turn(llm, states, "document:1", story)
    # An unnamed request (the rewrite panel's, the command line's) that shares the start.
    turn(llm, states, "", story[:20] + tokens_of(llm, LETTER)[1:])
    _, cached = turn(llm, states, "document:1", story)
    assert states.last.restored == len(story) and cached == len(story)
    # Coming back with an edited draft: the saved state still gives the part before the edit.
    edited = story[:30] + tokens_of(llm, LETTER)[1:]
    turn(llm, states, "document:2", tokens_of(llm, LETTER))
    _, cached = turn(llm, states, "document:1", edited)
    assert states.last.restored == 30 and cached == 30


def test_between_requests_the_state_is_kept_and_written_once_in_a_while(llm, starter_model, tmp_path):
    states = states_for(starter_model, tmp_path)
    story = tokens_of(llm, STORY * 3)
    kv_state.clear(llm)
    turn(llm, states, "document:1", story)
    assert states.save_idle(llm)
    states.cache.flush(10)
    assert disk_usage(tmp_path) > 0
    written = (tmp_path / file_name("document:1")).stat().st_mtime_ns
    assert not states.save_idle(llm)  # nothing new since
    turn(llm, states, "document:1", story + tokens_of(llm, " More.")[1:])
    assert states.save_idle(llm)  # kept in memory: written a minute after the last write at most
    states.cache.flush(10)
    assert (tmp_path / file_name("document:1")).stat().st_mtime_ns == written
    states.unload(llm)  # but always when the model goes
    saved = states_for(starter_model, tmp_path).cache.get(states.key, "document:1")
    assert saved is not None and len(saved.tokens) > len(story)


def test_clear_forgets_everything(llm, starter_model, tmp_path):
    states = states_for(starter_model, tmp_path)
    kv_state.clear(llm)
    turn(llm, states, "document:1", tokens_of(llm, STORY))
    turn(llm, states, "document:2", tokens_of(llm, LETTER))
    states.unload(llm)
    assert states.clear() > 0
    assert disk_usage(tmp_path) == 0
    kv_state.clear(llm)
    _, cached = turn(llm, states, "document:1", tokens_of(llm, STORY))
    assert cached == 0


def test_turned_off_nothing_is_kept(llm, starter_model, tmp_path):
    states = SessionStates()
    states.configure(str(tmp_path), False, 100, None)
    kv_state.clear(llm)
    turn(llm, states, "document:1", tokens_of(llm, STORY))
    turn(llm, states, "document:2", tokens_of(llm, LETTER))
    states.unload(llm)
    assert list(tmp_path.iterdir()) == []


def _writing_model():
    from app.core.paths import AppPaths
    from app.core.writing_model import model_path

    path = model_path(AppPaths.resolve())
    return path if path.is_file() else None


@pytest.mark.skipif(_writing_model() is None, reason="the writing model (Gemma 3 270M) is not installed: "
                    "`inkwell models install-writing-model`")
def test_a_sliding_window_models_state_is_not_used_to_go_back_before_its_end(tmp_path):
    """Gemma 3's restored cache lacks the early part of its sliding layers' window: coming
    back to a draft edited before its end evaluates it whole rather than attend to a hole."""
    path = _writing_model()
    gemma = llama_cpp.Llama(model_path=str(path), n_ctx=2048, n_threads=2, verbose=False)
    try:
        states = states_for(path, tmp_path, n_ctx=2048)
        story = tokens_of(gemma, STORY * 22)
        assert len(story) > 600
        turn(gemma, states, "document:1", story)
        turn(gemma, states, "document:2", tokens_of(gemma, LETTER))
        _, cached = turn(gemma, states, "document:1", story)  # at its end: restored
        assert states.last.restored == len(story) and cached == len(story)
        turn(gemma, states, "document:2", tokens_of(gemma, LETTER))
        edited = story[:300] + tokens_of(gemma, LETTER)[1:]
        _, cached = turn(gemma, states, "document:1", edited)
        assert states.last.restored == 0 and cached == 0
        # The same session going back before the end of a restored cache is evaluated whole too.
        turn(gemma, states, "document:1", story)
        turn(gemma, states, "document:2", tokens_of(gemma, LETTER))
        _, cached = turn(gemma, states, "document:1", story)
        assert cached == len(story) and kv_state.window_start(gemma) > 0
        _, cached = turn(gemma, states, "document:1", edited)
        assert cached == 0
    finally:
        gemma.close()
