"""Token alternatives: the pure bookkeeping, the engine with the real starter model (the
probabilities against a softmax computed here, the text unchanged, branching at a token), and
remote engines' logprobs through the fake server."""

from __future__ import annotations

import math
import threading
from dataclasses import replace

import numpy as np
import pytest

from app.core.alternatives import (
    UNKNOWN_TOKEN,
    Alternative,
    TokenChoice,
    TokenTrail,
    branch_request,
    joined_text,
    logprob_request,
    server_tokens,
    splice,
    token_at,
)
from app.core.generation import ChatMessage, ContinuationSource, GenerationRequest, LoadParams, SamplerSettings
from app.core.remote import RemoteEngine
from app.engine.headless import HeadlessEngine
from app.engine.remote import RemoteBackend
from tests.openai_servers import FakeOpenAI

SEA = (ChatMessage("user", "Write one sentence about the sea."),)
MOUNTAIN = "从前有座山，山里有座庙，庙里有个老和尚在给小和尚讲故事。"  # replies split characters across tokens

# -- the bookkeeping, without a model -------------------------------------------------------


def follow(pieces: list[bytes], stops=()) -> tuple[str, list[TokenChoice]]:
    """Runs pieces through a TokenTrail as the engine does, with a simple stop at ``stops``."""
    trail = TokenTrail()
    text = ""
    released: list[TokenChoice] = []
    for piece in pieces:
        text += trail.add(7, piece, 0.5)
        cut = min((text.find(stop) for stop in stops if stop in text), default=-1)
        if cut != -1:
            text = text[:cut]
            break
        released += trail.release(len(text))
    else:
        text += trail.flush()
    return text, released + trail.finish(len(text))


def test_a_character_split_across_tokens_belongs_to_the_token_that_completes_it():
    sea = "海".encode()  # three bytes
    text, tokens = follow([b"The ", sea[:2], sea[2:], b"!"])
    assert text == "The 海!" and joined_text(tokens) == text
    assert [(t.text, t.start) for t in tokens] == [("The ", 0), ("", 4), ("海", 4), ("!", 5)]
    assert [t.index for t in tokens] == [0, 1, 2, 3]
    assert token_at(tokens, 4) == 2 and token_at(tokens, 5) == 3 and token_at(tokens, 0) == 0
    assert token_at(tokens, 6) is None and token_at(tokens, -1) is None


def test_an_unfinished_character_at_the_end_is_the_last_tokens():
    text, tokens = follow([b"ok", "海".encode()[:2]])
    assert text == "ok\ufffd" and joined_text(tokens) == text and tokens[-1].text == "\ufffd"


def test_tokens_are_cut_where_a_stop_string_cuts_the_text():
    text, tokens = follow([b"apple", b", ban", b"ana"], stops=(",",))
    assert text == "apple" and [t.text for t in tokens] == ["apple"]
    text, tokens = follow([b"app", b"le,", b" x"], stops=(",",))
    assert text == "apple" and [t.text for t in tokens] == ["app", "le"]
    # The first bytes of a stop string's character are the stop string's, not the reply's.
    stop = "。".encode()
    text, tokens = follow([b"ok", stop[:1], stop[1:]], stops=("。",))
    assert text == "ok" and [t.text for t in tokens] == ["ok"]


def test_tokens_wait_for_their_text():
    trail = TokenTrail()
    trail.add(1, b"Hel", 0.9)
    trail.add(2, b"lo", 0.8)
    assert trail.release(2) == []
    assert [t.text for t in trail.release(3)] == ["Hel"]
    assert [t.text for t in trail.release(5)] == ["lo"]
    assert trail.release(5) == [] and trail.finish(5) == []


def test_a_branch_request_keeps_the_prompt_and_the_tokens_before():
    request = GenerationRequest(messages=SEA, max_tokens=20, alternatives=4)
    alternatives = (Alternative(" vast", 11, 0.6), Alternative(" deep", 12, 0.3))
    tokens = [TokenChoice(0, 0, "The", 5, b"The", 0.9), TokenChoice(1, 3, " sea", 6, b" sea", 0.7),
              TokenChoice(2, 7, " vast", 11, b" vast", 0.6, alternatives)]
    branched = branch_request(request, tokens, 2, 12)
    assert branched.messages == request.messages and branched.max_tokens == 20 and branched.alternatives == 4
    assert branched.request_id != request.request_id
    assert branched.branch.kept == (5, 6) and branched.branch.token_id == 12 and branched.branch.index == 2
    assert branched.branch.p == 0.3 and branched.branch.alternatives == alternatives
    # The branch's own tokens start at the branch point; spliced in, offsets count from the reply's start.
    branch_tokens = [TokenChoice(2, 0, " deep", 12, b" deep", 0.3), TokenChoice(3, 5, ".", 13, b".", 0.5)]
    whole = splice(tokens, branch_tokens)
    assert joined_text(whole) == "The sea deep." and [t.start for t in whole] == [0, 3, 7, 12]
    with pytest.raises(ValueError, match="only the local engine"):
        branch_request(request, [replace(t, token_id=UNKNOWN_TOKEN) for t in tokens], 2, 12)
    with pytest.raises(ValueError):
        branch_request(request, tokens, 3, 12)


def test_both_logprob_forms_servers_send_are_read():
    chat = {"choices": [{"delta": {"content": "海"}, "logprobs": {"content": [
        {"token": "\\xe6", "logprob": math.log(0.5), "bytes": [230, 181, 183],
         "top_logprobs": [{"token": "a", "logprob": math.log(0.1)}, {"token": "海", "logprob": math.log(0.5)}]}]}}]}
    [token] = server_tokens(chat, 8)
    assert token.piece == "海".encode() and token.p == pytest.approx(0.5)
    assert [(piece, round(p, 3)) for piece, p in token.top] == [("海".encode(), 0.5), (b"a", 0.1)]
    legacy = {"choices": [{"text": " sea", "logprobs": {"tokens": [" sea"], "token_logprobs": [math.log(0.25)],
                                                        "top_logprobs": [{" sea": math.log(0.25), " sky": math.log(0.5)}]}}]}
    [token] = server_tokens(legacy, 1)
    assert token.piece == b" sea" and [piece for piece, _ in token.top] == [b" sky"]
    assert server_tokens({"choices": [{"delta": {"content": "x"}}]}, 8) is None
    assert server_tokens({"choices": [{"delta": {}, "logprobs": None}]}, 8) is None
    assert logprob_request("/chat/completions", 8) == {"logprobs": True, "top_logprobs": 8}
    assert logprob_request("/completions", 50) == {"logprobs": 20}


# -- the engine, with the starter model ------------------------------------------------------


@pytest.fixture(scope="module")
def engine(qapp, starter_model):
    engine = HeadlessEngine()
    engine.load(str(starter_model), LoadParams(n_ctx=1024))
    yield engine
    engine.close()


def generate(engine, request):
    chunks: list[str] = []
    tokens: list[TokenChoice] = []
    stats = engine.generate(request, chunks.append, tokens.extend)
    return "".join(chunks), tokens, stats


def test_each_token_has_its_probability_and_sorted_alternatives(engine):
    text, tokens, stats = generate(engine, GenerationRequest(messages=SEA, max_tokens=16, alternatives=8,
                                                             sampler=SamplerSettings(seed=42)))
    assert text and joined_text(tokens) == text
    assert len(tokens) == stats.generated_tokens and [t.index for t in tokens] == list(range(len(tokens)))
    for token in tokens:
        assert 0 < token.p <= 1
        assert len(token.alternatives) == 8
        probabilities = [alternative.p for alternative in token.alternatives]
        assert all(0 < p <= 1 for p in probabilities) and probabilities == sorted(probabilities, reverse=True)
        assert sum(probabilities) <= 1 + 1e-6
        chosen = [a for a in token.alternatives if a.token_id == token.token_id]
        if chosen:  # the chosen token is among them when it is in the top 8, with the same probability
            assert chosen[0].p == token.p and chosen[0].text == token.text


def test_probabilities_are_the_softmax_of_the_models_logits_after_temperature(engine, starter_model):
    import llama_cpp

    prompt = "The lighthouse keeper opened the door and saw"
    temperature = 0.7
    _, tokens, _ = generate(engine, GenerationRequest(prompt=prompt, max_tokens=1, alternatives=5,
                                                      sampler=SamplerSettings(seed=1, temperature=temperature)))
    prompt_tokens = engine.run(lambda backend: backend.tokenize_prompt(prompt))
    # The first step's logits straight from llama.cpp, in a model of the test's own (with flash
    # attention, as the engine loads it).
    llm = llama_cpp.Llama(model_path=str(starter_model), n_ctx=256, n_threads=1, logits_all=True, flash_attn=True,
                          verbose=False)
    try:
        llm.eval(prompt_tokens)
        logits = np.array(llm.scores[len(prompt_tokens) - 1], dtype=np.float64)
    finally:
        llm.close()
    scaled = logits / temperature
    softmax = np.exp(scaled - scaled.max())
    softmax /= softmax.sum()
    expected = np.argsort(softmax)[::-1][:5]
    [first] = tokens
    assert [a.token_id for a in first.alternatives] == expected.tolist()
    for alternative in first.alternatives:
        assert alternative.p == pytest.approx(softmax[alternative.token_id], rel=2e-3, abs=1e-5)
    assert first.p == pytest.approx(softmax[first.token_id], rel=2e-3, abs=1e-5)


@pytest.mark.parametrize("request_", [
    GenerationRequest(messages=SEA, max_tokens=24, sampler=SamplerSettings(seed=42)),
    GenerationRequest(continuation=ContinuationSource("The storm came in from the west, and"), max_tokens=24,
                      sampler=SamplerSettings(seed=9, temperature=1.0, dry_multiplier=0.8)),
    GenerationRequest(prompt="List of fruits: apple, banana, cherry,", max_tokens=30, stop=(" cherry",),
                      sampler=SamplerSettings(seed=1, temperature=0.0)),
], ids=["chat", "continuation-with-dry", "greedy-with-stop"])
def test_the_text_is_the_same_with_alternatives(engine, request_):
    engine.run(lambda backend: backend.llm.reset())
    plain, _, plain_stats = generate(engine, request_)
    engine.run(lambda backend: backend.llm.reset())  # the same computation: both from an empty cache
    text, tokens, stats = generate(engine, replace(request_, alternatives=8))
    assert text == plain and joined_text(tokens) == text
    assert stats.generated_tokens == plain_stats.generated_tokens


def test_chinese_tokens_join_to_the_text(engine):
    request = GenerationRequest(prompt=MOUNTAIN, max_tokens=24, alternatives=3,
                                sampler=SamplerSettings(seed=1, temperature=0.7))
    text, tokens, _ = generate(engine, request)
    assert joined_text(tokens) == text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert any(t.text == "" for t in tokens), "no character was split across tokens"
    for token in tokens:
        assert token.piece and text[token.start: token.end] == token.text
    for position, character in enumerate(text):
        index = token_at(tokens, position)
        assert index is not None and tokens[index].start <= position < tokens[index].end
        # The token that completes a character ends with it: its bytes finish that character.
        if character != "\ufffd":
            assert tokens[index].text, character


def test_branching_at_a_token_evaluates_only_the_new_token(engine):
    request = GenerationRequest(messages=SEA, max_tokens=20, alternatives=4, sampler=SamplerSettings(seed=42))
    text, tokens, stats = generate(engine, request)
    index = 5
    other = next(a for a in tokens[index].alternatives if a.token_id != tokens[index].token_id)
    branched = branch_request(request, tokens, index, other.token_id)
    branch_text, branch_tokens, branch_stats = generate(engine, branched)
    assert branch_stats.prompt_tokens - branch_stats.cached_tokens == 1
    assert branch_stats.prompt_tokens == stats.prompt_tokens + index + 1
    first = branch_tokens[0]
    assert (first.index, first.token_id, first.start, first.p) == (index, other.token_id, 0, other.p)
    assert first.alternatives == tokens[index].alternatives
    assert branch_text.startswith(other.text) and joined_text(branch_tokens) == branch_text
    # The reply as a whole: the text before the branch point, then the branch's.
    whole = splice(tokens, branch_tokens)
    assert joined_text(whole) == text[: tokens[index].start] + branch_text
    assert [t.index for t in whole] == list(range(len(whole)))
    assert len(whole) <= request.max_tokens
    # A branch of the branch reuses the cache the same way.
    again = branch_request(request, whole, index + 2, whole[index + 2].alternatives[-1].token_id)
    _, _, again_stats = generate(engine, again)
    assert again_stats.prompt_tokens - again_stats.cached_tokens == 1


def test_branching_in_chinese_completes_the_character(engine):
    request = GenerationRequest(prompt=MOUNTAIN, max_tokens=16, alternatives=4,
                                sampler=SamplerSettings(seed=1, temperature=0.7))
    text, tokens, _ = generate(engine, request)
    index = next(i for i, t in enumerate(tokens) if i and tokens[i - 1].text == "" and t.text)  # completes a character
    other = next(a for a in tokens[index].alternatives if a.token_id != tokens[index].token_id)
    branch_text, branch_tokens, stats = generate(engine, branch_request(request, tokens, index, other.token_id))
    assert stats.prompt_tokens - stats.cached_tokens == 1
    assert branch_text.startswith(other.text)  # the whole character, its first bytes kept from before
    assert joined_text(splice(tokens, branch_tokens)) == text[: tokens[index].start] + branch_text


def test_a_branch_with_a_token_the_model_lacks_fails_clearly(engine):
    request = GenerationRequest(prompt="Hello", max_tokens=4)
    tokens = [TokenChoice(0, 0, "x", 10**7, b"x", 0.5)]
    from app.engine.headless import EngineFailure

    with pytest.raises(EngineFailure, match="tokens the loaded model does not have"):
        generate(engine, branch_request(request, tokens, 0, 10**7))


def test_tokens_come_after_their_text_and_never_without_asking(engine):
    order: list[tuple[str, int]] = []
    received = ""

    def on_text(text):
        nonlocal received
        received += text
        order.append(("text", len(received)))

    def on_tokens(choices):
        assert choices[-1].end <= len(received)
        order.append(("tokens", len(choices)))

    engine.generate(GenerationRequest(messages=SEA, max_tokens=12, alternatives=2, sampler=SamplerSettings(seed=4)),
                    on_text, on_tokens)
    assert order[0][0] == "text" and any(kind == "tokens" for kind, _ in order)
    none: list = []
    engine.generate(GenerationRequest(messages=SEA, max_tokens=4, sampler=SamplerSettings(seed=4)), None, none.extend)
    assert none == []


# -- remote engines ----------------------------------------------------------------------------


@pytest.fixture
def fake():
    server = FakeOpenAI()
    yield server
    server.close()


def remote_reply(fake, request):
    backend = RemoteBackend(RemoteEngine("fake", fake.url))
    backend.load()
    chunks: list[str] = []
    tokens: list[TokenChoice] = []
    stats = backend.generate(request, chunks.append, threading.Event(), tokens.extend)
    return backend, "".join(chunks), tokens, stats


@pytest.mark.parametrize("kind", ["chat", "completions"])
def test_a_server_is_asked_for_logprobs_and_they_become_alternatives(fake, kind):
    request = (GenerationRequest(messages=SEA, alternatives=3) if kind == "chat"
               else GenerationRequest(prompt="Once", alternatives=3))
    backend, text, tokens, stats = remote_reply(fake, request)
    body = fake.requests[-1][2]
    if kind == "chat":
        assert body["logprobs"] is True and body["top_logprobs"] == 3
    else:
        assert fake.paths()[-1] == "/v1/completions" and body["logprobs"] == 3
    assert text == "".join(fake.words) and joined_text(tokens) == text
    assert [t.text for t in tokens] == fake.words and not stats.alternatives_note
    for token in tokens:
        assert token.token_id == UNKNOWN_TOKEN and token.p == pytest.approx(0.5)
        assert [a.p for a in token.alternatives] == pytest.approx([0.5, 0.25, 0.125])
        assert token.alternatives[0].text == token.text
    assert backend.info.token_alternatives and not backend.info.token_branching
    with pytest.raises(Exception, match="needs the local engine"):
        backend.generate(branch_request(request, [replace(tokens[0], token_id=3)], 0, 4),
                         lambda _t: None, threading.Event(), lambda _c: None)


def test_a_server_without_logprobs_says_so(fake):
    fake.logprobs = False
    backend, text, tokens, stats = remote_reply(fake, GenerationRequest(messages=SEA, alternatives=3))
    assert text == "".join(fake.words) and tokens == []
    assert "does not send token probabilities" in stats.alternatives_note
    # Not asked again: the next reply says so at once.
    stats = backend.generate(GenerationRequest(messages=SEA, alternatives=3), lambda _t: None, threading.Event(),
                             lambda _c: None)
    assert "logprobs" not in fake.requests[-1][2] and stats.alternatives_note


def test_a_server_that_refuses_logprobs_still_replies(fake):
    fake.logprobs = "refuse"
    _, text, tokens, stats = remote_reply(fake, GenerationRequest(messages=SEA, alternatives=3))
    assert text == "".join(fake.words) and tokens == []
    assert "does not send token probabilities" in stats.alternatives_note
    assert "logprobs" not in fake.requests[-1][2]


def test_a_server_is_not_asked_when_alternatives_are_not_wanted(fake):
    _, _, tokens, stats = remote_reply(fake, GenerationRequest(messages=SEA))
    assert "logprobs" not in fake.requests[-1][2] and tokens == [] and not stats.alternatives_note


# -- the command line --------------------------------------------------------------------------


def inkwell(tmp_path, *args):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"), *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=180,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def jsonl(output: str) -> list[dict]:
    import json

    return [json.loads(line) for line in output.splitlines()]


@pytest.mark.parametrize("draft", ["The storm came in from the west, and the keeper", MOUNTAIN], ids=["english", "chinese"])
def test_cli_continue_prints_one_json_object_per_token(tmp_path, draft):
    path = tmp_path / "draft.txt"
    path.write_text(draft, encoding="utf-8")
    options = ["--seed", "5", "--max-tokens", "16", "--style", "plain"]
    text = inkwell(tmp_path, "continue", str(path), *options)
    tokens = inkwell(tmp_path, "continue", str(path), *options, "--alternatives", "3", "--format", "jsonl")
    assert text.returncode == 0 and tokens.returncode == 0, tokens.stderr
    records = jsonl(tokens.stdout)
    assert records and "".join(record["token"] for record in records) == text.stdout.removesuffix("\n")
    for record in records:
        assert set(record) == {"token", "p", "alternatives"} and 0 < record["p"] <= 1
        assert len(record["alternatives"]) == 3
        probabilities = [alternative["p"] for alternative in record["alternatives"]]
        assert probabilities == sorted(probabilities, reverse=True) and all(0 < p <= 1 for p in probabilities)


def test_cli_chat_has_the_same_options(tmp_path):
    result = inkwell(tmp_path, "chat", "Say hello.", "--seed", "3", "--max-tokens", "6", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = jsonl(result.stdout)
    assert 0 < len(records) <= 6 and all(len(record["alternatives"]) == 8 for record in records)
    wrong = inkwell(tmp_path, "chat", "Hi", "--alternatives", "3")
    assert wrong.returncode == 2 and "--alternatives needs --format jsonl" in wrong.stderr
