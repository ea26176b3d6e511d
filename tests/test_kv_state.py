"""Saving, restoring and shifting the KV cache with the real starter model (greedy, fixed)."""

from __future__ import annotations

import numpy as np
import pytest

import llama_cpp
from app.engine import kv_state
from app.engine.kv_state import Shift, plan_shift

DRAFT = ("The lighthouse keeper had not spoken to anyone in three weeks when the boat appeared. "
         "It came through the fog without a light, its sail torn, and the keeper watched it from "
         "the gallery with a lamp in one hand and the logbook in the other. ")
SYSTEM = "<|im_start|>system\nYou are a helpful writing assistant.<|im_end|>\n"
OLD_TURN = ("<|im_start|>user\nTell me about the moon and its craters, and how old they are.<|im_end|>\n"
            "<|im_start|>assistant\nThe moon has many craters; most are billions of years old, made by impacts.<|im_end|>\n")
KEPT_TURN = ("<|im_start|>user\nWrite a short story about a lighthouse keeper who finds a boat in the fog.<|im_end|>\n"
             "<|im_start|>assistant\nThe keeper saw the boat at dawn, drifting without a light, its sail torn by the storm.<|im_end|>\n")
NEW_TURN = "<|im_start|>user\nWhat is the keeper's name?<|im_end|>\n<|im_start|>assistant\n"


def _load(path) -> llama_cpp.Llama:
    return llama_cpp.Llama(model_path=str(path), n_ctx=1024, n_threads=2, seed=1234, verbose=False)


@pytest.fixture(scope="module")
def llm(starter_model):
    model = _load(starter_model)
    yield model
    model.close()


def tokens_of(llm, text: str, bos: bool = False) -> list[int]:
    return llm.tokenize(text.encode(), add_bos=bos, special=True)


def last_logits(llm) -> np.ndarray:
    return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),)).copy()


def greedy(llm, prompt: list[int], count: int) -> tuple[list[int], np.ndarray]:
    """``count`` greedy tokens after ``prompt`` and the logits the first was chosen from."""
    out: list[int] = []
    first_logits = None
    for token in llm.generate(prompt, temp=0.0, top_k=1):
        if first_logits is None:
            first_logits = last_logits(llm)
        out.append(token)
        if len(out) == count:
            break
    return out, first_logits


class Counting:
    """Counts the tokens ``Llama.eval`` evaluates."""

    def __init__(self, llm) -> None:
        self.llm, self.original, self.count = llm, llm.eval, 0

    def __enter__(self):
        def eval_and_count(tokens):
            self.count += len(tokens)
            return self.original(tokens)

        self.llm.eval = eval_and_count
        return self

    def __exit__(self, *exc) -> None:
        del self.llm.eval


def kl(p_logits: np.ndarray, q_logits: np.ndarray) -> float:
    def log_softmax(x):
        x = x.astype(np.float64) - x.max()
        return x - np.log(np.exp(x).sum())

    lp, lq = log_softmax(p_logits), log_softmax(q_logits)
    return float(np.sum(np.exp(lp) * (lp - lq)))


def test_a_restored_state_gives_the_tokens_of_a_cold_evaluation(llm):
    prompt = tokens_of(llm, DRAFT * 2, bos=True)
    kv_state.clear(llm)
    cold, cold_logits = greedy(llm, prompt, 8)
    saved = kv_state.snapshot(llm)
    assert saved is not None
    tokens, state = saved
    assert list(tokens) == prompt + cold[:-1]  # the last token sampled was never evaluated
    assert len(state) > 1000 * len(tokens)  # keys and values of every layer, per token

    kv_state.clear(llm)
    greedy(llm, tokens_of(llm, "Something else entirely, to fill the cache with other cells.", bos=True), 4)
    assert kv_state.restore(llm, tokens, state)
    assert llm.n_tokens == len(tokens)
    with Counting(llm) as counted:
        again, again_logits = greedy(llm, prompt, 8)
    assert again == cold
    np.testing.assert_allclose(again_logits, cold_logits, rtol=0, atol=1e-3)
    # The prompt came from the state: only its last token (for its logits) and the generated
    # tokens were evaluated.
    assert counted.count == 1 + 7


def test_a_state_restored_into_another_context_continues_the_same_way(llm, starter_model):
    prompt = tokens_of(llm, DRAFT, bos=True)
    kv_state.clear(llm)
    llm.eval(prompt)
    tokens, state = kv_state.snapshot(llm)
    kv_state.clear(llm)
    cold, _ = greedy(llm, prompt + [13], 6)

    other = _load(starter_model)  # as after a restart
    try:
        assert kv_state.restore(other, tokens, bytes(state))  # bytes work as well as a bytearray
        with Counting(other) as counted:
            restored, _ = greedy(other, prompt + [13], 6)
        assert restored == cold
        assert counted.count == 1 + 5  # the one token the state did not hold, then the replies
    finally:
        other.close()


def test_a_state_that_does_not_fit_is_refused_and_leaves_an_empty_cache(llm):
    prompt = tokens_of(llm, DRAFT, bos=True)
    kv_state.clear(llm)
    llm.eval(prompt)
    tokens, state = kv_state.snapshot(llm)
    kv_state.clear(llm)
    llm.eval(prompt[:5])
    assert not kv_state.restore(llm, tokens, state[: len(state) // 2])  # cut short
    assert llm.n_tokens == 0
    assert llama_cpp.llama_memory_seq_pos_max(llama_cpp.llama_get_memory(llm._ctx.ctx), 0) == -1
    assert not kv_state.restore(llm, tokens[:-3], state)  # not the tokens it holds
    assert llm.n_tokens == 0
    assert not kv_state.restore(llm, [], state)
    assert kv_state.snapshot(llm) is None  # nothing held, nothing to save


def test_a_snapshot_holds_only_the_tokens_listed(llm):
    prompt = tokens_of(llm, DRAFT, bos=True)
    kv_state.clear(llm)
    llm.eval(prompt)
    llm.n_tokens = 10  # as after a prompt evaluation stopped half-way: cells past n_tokens remain
    tokens, state = kv_state.snapshot(llm)
    assert list(tokens) == prompt[:10]
    kv_state.clear(llm)
    assert kv_state.restore(llm, tokens, state)
    assert llama_cpp.llama_memory_seq_pos_max(llama_cpp.llama_get_memory(llm._ctx.ctx), 0) == 9


def test_a_conversation_whose_oldest_turn_left_is_shifted_not_evaluated_again(llm):
    system, old, kept, new = (tokens_of(llm, SYSTEM, bos=True), tokens_of(llm, OLD_TURN),
                              tokens_of(llm, KEPT_TURN), tokens_of(llm, NEW_TURN))
    prompt = system + kept + new
    kv_state.clear(llm)
    cold, cold_logits = greedy(llm, prompt, 6)

    kv_state.clear(llm)
    llm.eval(system + old + kept)
    assert kv_state.can_shift(llm)
    shift = plan_shift(kv_state.held_tokens(llm).copy(), prompt)
    # The turns both begin "<|im_start|>user\n", so the common start reaches into the old one.
    common = next(i for i, (a, b) in enumerate(zip(system + old, system + kept)) if a != b)
    assert shift == Shift(keep=common, discard=len(old), reuse=len(system) + len(kept) - common)
    assert kv_state.apply_shift(llm, shift)
    assert list(kv_state.held_tokens(llm)) == system + kept
    memory = llama_cpp.llama_get_memory(llm._ctx.ctx)
    assert llama_cpp.llama_memory_seq_pos_max(memory, 0) == len(system + kept) - 1
    with Counting(llm) as counted:
        shifted, shifted_logits = greedy(llm, prompt, 6)
    assert counted.count == len(new) + 5  # the new turn and the replies only
    # Positions rotated, not recomputed: the kept turn's cells still saw the old turn, so the
    # distribution is close to a cold evaluation's, not equal.
    assert shifted[0] == cold[0]
    assert kl(cold_logits, shifted_logits) < 0.5


def test_plan_shift_finds_the_stretch_that_left():
    held = [1, 2, 3, *range(100, 140), *range(200, 260)]
    prompt = [1, 2, 3, *range(200, 260), 7, 8, 9]
    assert plan_shift(held, prompt) == Shift(keep=3, discard=40, reuse=60)
    # The held tail differs from the prompt after a while (a reply written again): only the
    # part that matches is reused.
    assert plan_shift(held, [1, 2, 3, *range(200, 230), 5, 5]) == Shift(keep=3, discard=40, reuse=30)
    # The longest match wins over an earlier, shorter one.
    held = [1, 2, 3, 7, 50, 51, 52, 9, 9, *range(100, 110), 50, 51, 52, *range(300, 330)]
    assert plan_shift(held, [1, 2, 3, 50, 51, 52, *range(300, 330)], minimum=3) == Shift(keep=3, discard=16, reuse=33)


@pytest.mark.parametrize("held, prompt", [
    ([1, 2, 3, 4], [1, 2, 3, 4, 5, 6]),  # the prompt goes on from the cache: nothing to shift
    ([1, 2, 3, 4, 5, 6], [1, 2, 3]),  # the prompt is inside the cache
    ([9, *range(100, 140)], [1, *range(100, 140)]),  # nothing in common at the start
    ([1, *range(100, 120), *range(200, 210)], [1, *range(200, 210), 5]),  # too little to reuse
    ([1, *range(100, 140)], [1, *range(500, 540)]),  # no stretch of the cache in the prompt
])
def test_plan_shift_declines(held, prompt):
    assert plan_shift(held, prompt) is None


def test_the_state_format_names_the_versions():
    assert f"seq{llama_cpp.LLAMA_STATE_SEQ_VERSION}" in kv_state.state_format()
    assert llama_cpp.__version__ in kv_state.state_format()


def _writing_model():
    from app.core.paths import AppPaths
    from app.core.writing_model import model_path

    path = model_path(AppPaths.resolve())
    return path if path.is_file() else None


@pytest.mark.skipif(_writing_model() is None, reason="the writing model (Gemma 3 270M) is not installed: "
                    "`inkwell models install-writing-model`")
def test_a_sliding_window_model_continues_a_restored_state_at_its_end_only():
    """Gemma 3 attends to the last 512 tokens in most layers; llama.cpp reads back only that
    window of those layers, so a restored cache may be continued at its end and nowhere else."""
    gemma = llama_cpp.Llama(model_path=str(_writing_model()), n_ctx=2048, n_threads=2, verbose=False)
    try:
        prompt = tokens_of(gemma, DRAFT * 14, bos=True)
        assert len(prompt) > 600
        kv_state.clear(gemma)
        cold, _ = greedy(gemma, prompt, 6)
        tokens, state = kv_state.snapshot(gemma)
        assert kv_state.window_start(gemma) == 0  # before: every position
        kv_state.clear(gemma)
        assert kv_state.restore(gemma, tokens, state)
        assert kv_state.window_start(gemma) > 0  # after: the sliding layers' last window only
        with Counting(gemma) as counted:
            again, _ = greedy(gemma, prompt + cold[:2], 4)
        assert again == cold[2:]
        assert counted.count == 1 + 3
        again_saved = kv_state.snapshot(gemma)  # and it can be kept again
        assert again_saved is not None and len(again_saved[0]) == len(prompt) + 5
    finally:
        gemma.close()
