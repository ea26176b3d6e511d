"""The engine's own decode loop and speculative drafting, with the real starter model."""

from dataclasses import replace

import llama_cpp
import pytest

from app.cli.bench_speculative import CHINESE_WITH_MISTAKES, ENGLISH_WITH_MISTAKES
from app.core.generation import GenerationRequest, LoadParams, SamplerSettings
from app.core.rewrite import build_rewrite_messages, builtin_styles, find_style
from app.engine import decode
from app.engine.headless import HeadlessEngine

GREEDY = SamplerSettings(temperature=0.0, repeat_penalty=1.1, seed=1)
SAMPLED = SamplerSettings(temperature=0.8, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.1, seed=77)
SHORT_ENGLISH = ("The keeper have lived alone on the island for twelve year. He climb the stairs every "
                 "morning and clean the lens, and every evening he write the weather in the logbook.")


@pytest.fixture(scope="module")
def engine(qapp, starter_model):
    # One thread: past 256 cached tokens llama.cpp splits a single token's attention across
    # threads and rounds it differently from a batch's (app/engine/decode.py); with one thread
    # it computes both alike, so drafting must then give the very same text.
    engine = HeadlessEngine()
    engine.load(str(starter_model), LoadParams(n_ctx=2048, n_threads=1))
    yield engine
    engine.close()


def rewrite_request(passage: str, style: str = "Fix grammar only", **kwargs) -> GenerationRequest:
    messages = build_rewrite_messages(passage, find_style(builtin_styles(), style))
    kwargs.setdefault("sampler", GREEDY)
    kwargs.setdefault("max_tokens", 48)
    return GenerationRequest(messages=messages, **kwargs)


def generate(engine, request):
    """From an empty cache: a prompt evaluated in other batches would differ in the last bits."""
    engine.run(lambda backend: backend.llm.reset())
    chunks: list[str] = []
    stats = engine.generate(request, chunks.append)
    return "".join(chunks), stats


def cache_is_consistent(backend) -> bool:
    """The KV cache holds exactly the tokens input_ids lists."""
    llm = backend.llm
    memory = llama_cpp.llama_get_memory(llm._ctx.ctx)
    return llama_cpp.llama_memory_seq_pos_max(memory, 0) == llm.n_tokens - 1


@pytest.mark.parametrize("passage, style", [
    (SHORT_ENGLISH, "Fix grammar only"),
    (ENGLISH_WITH_MISTAKES[:600], "Concise"),
    (CHINESE_WITH_MISTAKES[:200], "Fix grammar only"),
])
def test_greedy_text_is_the_same_with_and_without_drafting(engine, passage, style):
    plain, plain_stats = generate(engine, rewrite_request(passage, style))
    # Past 256 cached tokens, where a single token would be computed apart with more threads.
    assert plain_stats.prompt_tokens + plain_stats.generated_tokens > 256
    drafted, stats = generate(engine, rewrite_request(passage, style, speculative=True))
    assert drafted == plain
    assert stats.generated_tokens == plain_stats.generated_tokens
    assert plain_stats.drafted_tokens == 0
    # Drafting really ran, and the model kept some of what was copied from the passage.
    assert stats.drafted_tokens > 0 and 0 < stats.accepted_draft_tokens <= stats.drafted_tokens
    assert engine.run(cache_is_consistent)


def test_with_two_threads_and_a_quantized_cache_the_text_is_the_same(qapp, starter_model):
    # A q8_0 cache keeps llama.cpp off the split path for a single token (app/engine/decode.py),
    # so with two threads too a token is computed alike alone and in a batch. (With an f16
    # cache and two threads, this rewrite parted after 20 characters on an AVX2 machine.)
    two_threads = HeadlessEngine()
    two_threads.load(str(starter_model), LoadParams(n_ctx=2048, n_threads=2, kv_cache_type="q8_0"))
    try:
        plain, plain_stats = generate(two_threads, rewrite_request(CHINESE_WITH_MISTAKES))
        assert plain_stats.prompt_tokens > 256
        drafted, stats = generate(two_threads, rewrite_request(CHINESE_WITH_MISTAKES, speculative=True))
        assert drafted == plain
        assert stats.drafted_tokens > 0
        assert two_threads.run(cache_is_consistent)
    finally:
        two_threads.close()


def test_sampled_text_is_the_same_with_and_without_drafting(engine):
    # Each position is sampled from the same logits with the same sampler state, and the
    # random generator is drawn once per kept token either way.
    plain, _ = generate(engine, rewrite_request(SHORT_ENGLISH, sampler=SAMPLED))
    drafted, stats = generate(engine, rewrite_request(SHORT_ENGLISH, sampler=SAMPLED, speculative=True))
    assert drafted == plain
    assert stats.drafted_tokens > 0


def test_a_stop_string_ends_the_reply_at_the_same_place(engine):
    passage = "The keeper climb the stairs. Then the bell ring twice and the dog bark at the door."
    plain, plain_stats = generate(engine, rewrite_request(passage, stop=("bell",)))
    drafted, stats = generate(engine, rewrite_request(passage, stop=("bell",), speculative=True))
    assert plain_stats.finish_reason == stats.finish_reason == "stop"
    assert drafted == plain and "bell" not in drafted
    assert engine.run(cache_is_consistent)


def test_cancel_in_the_middle_of_a_verification_batch_leaves_the_engine_ready(engine, monkeypatch):
    request = rewrite_request(SHORT_ENGLISH, speculative=True, max_tokens=64)
    expected, _ = generate(engine, request)
    original = decode.DecodeLoop._decode
    batches: list[int] = []

    def cancel_during_a_draft(self, tokens, position, all_logits):
        if len(tokens) > 1 and all_logits:  # a draft being verified, not the prompt
            batches.append(len(tokens))
            engine.cancel()  # the abort callback stops llama_decode inside this batch
        return original(self, tokens, position, all_logits)

    monkeypatch.setattr(decode.DecodeLoop, "_decode", cancel_during_a_draft)
    partial, stats = generate(engine, request)
    monkeypatch.setattr(decode.DecodeLoop, "_decode", original)
    assert batches, "no draft was verified"
    assert stats.finish_reason == "cancelled"
    assert expected.startswith(partial) and len(partial) < len(expected)
    assert engine.run(cache_is_consistent)
    again, again_stats = generate(engine, request)
    assert again == expected and again_stats.finish_reason in ("stop", "length")


def test_drafting_that_does_not_pay_turns_itself_off_and_the_text_stays(engine, monkeypatch):
    request = rewrite_request(ENGLISH_WITH_MISTAKES[:400], max_tokens=96)
    plain, _ = generate(engine, request)
    batches: list[int] = []
    original = decode.DecodeLoop._decode

    def counting(self, tokens, position, all_logits):
        if all_logits:
            batches.append(len(tokens))
        return original(self, tokens, position, all_logits)

    monkeypatch.setattr(decode.DecodeLoop, "_decode", counting)
    # As on a CPU where a batch costs as much per token as single steps: it never pays.
    monkeypatch.setattr(decode.DraftPolicy, "pays", lambda self: False)
    drafted, stats = generate(engine, replace(request, speculative=True))
    assert drafted == plain
    # Judged after PROBATION drafts, once a single step was timed: then no more drafts.
    assert len(batches) == decode.DraftPolicy.PROBATION
    assert stats.drafted_tokens == sum(size - 1 for size in batches)


def test_penalties_on_the_best_candidates_choose_as_the_whole_vocabulary_does(engine):
    """The chain that applies the repetition penalties to the top k + window candidates
    chooses what llama-cpp-python's whole-vocabulary chain chooses, token for token."""
    prompt = "the cat and the dog and the cat and the dog and the cat and"

    def both(backend):
        llm = backend.llm
        tokens = backend.tokenize_prompt(prompt)
        results = []
        for ours in (True, False):
            llm.reset()
            loop = decode.DecodeLoop(llm)
            loop.prefill(tokens)
            settings = SamplerSettings(temperature=0.9, repeat_penalty=1.5, frequency_penalty=0.3, seed=5)
            if ours:
                chain = decode.sampler_chain(llm, settings, 5)
            else:
                llm.set_seed(5)
                chain = llm._init_sampler(top_k=40, top_p=0.95, min_p=0.05, temp=0.9, repeat_penalty=1.5,
                                          frequency_penalty=0.3)
            stream = loop.tokens(chain)
            results.append([token for token, _ in (next(stream) for _ in range(40))])
            stream.close()
        return results

    ours, theirs = engine.run(both)
    assert ours == theirs

