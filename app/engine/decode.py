"""The engine's own decode loop on llama.cpp's low-level API: the prompt in batches, then one
token at a time, or a drafted run of tokens checked in one batch (prompt-lookup speculation,
app/core/speculation.py).

It keeps ``llm.input_ids[:llm.n_tokens]`` equal to what the KV cache holds, as
llama-cpp-python does, so the prefix reuse, the saved states (kv_state.py) and the
Llama object's own methods stay valid.

The sampler chain (``sampler_chain``) is llama-cpp-python's order (penalties, top-k, top-p,
min-p, temperature, distribution) with one change: the repetition penalties run over the
``top_k + penalty window`` most likely tokens instead of the whole vocabulary (49,152 tokens
on the starter model), which took sampling from 210 to 60 µs a token. Penalties that only
lower logits cannot bring a token from further down into the top k, because at most
``penalty window`` tokens are penalised, so the kept candidates, their order and their logits
are exactly those of the whole-vocabulary order (tests/test_decode.py compares the two).
Negative penalties, top-k off and DRY (whose penalised tokens are not bounded) keep the
whole-vocabulary order.

A drafted token is sampled from the logits of its position in the batch, with the sampler in
the state it would have had, and the random generator drawn once per kept token, as without
the draft. The text is then the same wherever llama.cpp computes a position alike in a batch
and alone. With flash attention on the CPU it does while the cache holds at most 256 tokens,
with one thread, or with a quantized KV cache; beyond that, one token alone has its attention
split across threads, which rounds differently, and a near tie can tip (as it can between a
prompt read whole and one read from the cache). Without flash attention it never does, so the
engine does not draft then.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from time import perf_counter

import llama_cpp
from llama_cpp import _internals as llama_internals
from app.core.generation import SamplerSettings
from app.core.speculation import DraftPolicy, NgramDrafter

SEQ = 0  # the one sequence, as in kv_state.py
DRY_BREAKERS = ("\n", ":", '"', "*")  # llama.cpp's default sequence breakers
ABORTED = 2  # llama_decode's return code when the abort callback stopped it
NO_ABORT_CALLBACK = llama_cpp.ggml_abort_callback()  # a null function pointer


class DecodeAborted(RuntimeError):
    """The abort callback (a cancelled request) stopped a batch; the cache holds what came before it."""


def sampler_chain(llm: llama_cpp.Llama, s: SamplerSettings, seed: int,
                  suppressed: Sequence[int] = ()) -> llama_internals.LlamaSampler:
    """The request's sampler chain. ``suppressed`` tokens (end of generation, for benchmarks
    that must generate exactly their length) can never be chosen."""
    chain = llama_internals.LlamaSampler()
    if suppressed:
        chain.add_logit_bias(llm.n_vocab(), {token: float("-inf") for token in suppressed})
    window = llm.last_n_tokens_size
    penalised = s.repeat_penalty != 1.0 or s.frequency_penalty != 0.0 or s.presence_penalty != 0.0
    use_dry = s.dry_multiplier > 0
    greedy = s.temperature <= 0
    lowering_only = s.repeat_penalty >= 1.0 and s.frequency_penalty >= 0.0 and s.presence_penalty >= 0.0
    if penalised and lowering_only and not use_dry and (greedy or s.top_k > 0):
        # Greedy wants the best token after the penalties: it is among the best 1 + window.
        chain.add_top_k((1 if greedy else s.top_k) + max(window, 0))
    chain.add_penalties(llm.n_vocab(), window, s.repeat_penalty, s.frequency_penalty, s.presence_penalty)
    if use_dry:
        chain.add_dry(llm._model, s.dry_multiplier, s.dry_base, s.dry_allowed_length, s.dry_penalty_last_n,
                      list(DRY_BREAKERS))
    if greedy:
        chain.add_greedy()
        return chain
    chain.add_top_k(s.top_k)
    chain.add_top_p(s.top_p, 1)
    chain.add_min_p(s.min_p, 1)
    chain.add_temp(s.temperature)
    chain.add_dist(seed)
    return chain


class DecodeLoop:
    """Evaluates and samples for one ``llama_cpp.Llama``, through its batch and context."""

    def __init__(self, llm: llama_cpp.Llama, abort_callback=None) -> None:
        self.llm = llm
        self._ctx = llm._ctx.ctx
        # llama.cpp calls the abort callback before every node of the graph, about 500 times a
        # token, each a call into Python: it is set only for batches (a prompt, a draft), which
        # it can stop part-way; a single token takes milliseconds and the loop checks Stop
        # between tokens.
        self._abort_callback = abort_callback
        self._abort_armed = False
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._batch = llm._batch.batch
        self._capacity = llm.n_batch

    # -- evaluation ------------------------------------------------------------------------

    def _decode(self, tokens: Sequence[int], position: int, all_logits: bool) -> None:
        """Evaluates ``tokens`` at ``position`` onwards; logits for every one, or the last."""
        batch, count = self._batch, len(tokens)
        batch.n_tokens = count
        token, pos, seq_id, n_seq_id, logits = batch.token, batch.pos, batch.seq_id, batch.n_seq_id, batch.logits
        for i, value in enumerate(tokens):
            token[i] = value
            pos[i] = position + i
            seq_id[i][0] = SEQ
            n_seq_id[i] = 1
            logits[i] = all_logits
        logits[count - 1] = True
        armed = count > 1 and self._abort_callback is not None
        if armed != self._abort_armed:
            llama_cpp.llama_set_abort_callback(self._ctx, self._abort_callback if armed else NO_ABORT_CALLBACK, None)
            self._abort_armed = armed
        code = llama_cpp.llama_decode(self._ctx, batch)
        llm = self.llm
        if code != 0:
            # Whatever part of the batch reached the cache goes: it holds what input_ids lists.
            llama_cpp.llama_memory_seq_rm(self._memory, SEQ, position, -1)
            llm.n_tokens = position
            if code == ABORTED:
                raise DecodeAborted("llama_decode was aborted")
            raise RuntimeError(f"llama_decode returned {code}")
        llm.input_ids[position:position + count] = tokens
        llm.n_tokens = position + count

    def _truncate(self, count: int) -> None:
        """Forgets every token from position ``count`` on."""
        llm = self.llm
        if count < llm.n_tokens:
            llama_cpp.llama_memory_seq_rm(self._memory, SEQ, count, -1)
            llm.n_tokens = count

    def prefill(self, tokens: Sequence[int]) -> int:
        """Brings the cache to ``tokens``, evaluating only what it does not hold yet (at least
        the last token, whose logits the first sample needs). Returns how many of the
        prompt's tokens the cache held."""
        llm = self.llm
        held = 0
        for a, b in zip(llm.input_ids[: llm.n_tokens].tolist(), tokens):
            if a != b:
                break
            held += 1
        reused = min(held, len(tokens) - 1)
        # Always: Llama.reset() forgets the token list but leaves the cells behind.
        if not llama_cpp.llama_memory_seq_rm(self._memory, SEQ, reused, -1):
            # A memory that cannot drop a tail (a recurrent model) starts again.
            llama_cpp.llama_memory_seq_rm(self._memory, SEQ, -1, -1)
            reused = 0
        llm.n_tokens = reused
        llm._requires_eval = True
        for start in range(reused, len(tokens), self._capacity):
            self._decode(tokens[start:start + self._capacity], start, all_logits=False)
        llm._requires_eval = False
        return held if reused else 0

    # -- generation ------------------------------------------------------------------------

    def tokens(self, chain: llama_internals.LlamaSampler, drafter: NgramDrafter | None = None,
               policy: DraftPolicy | None = None, wanted: int | None = None) -> Iterator[tuple[int, int]]:
        """After ``prefill``: the generated tokens, each with the batch index of the
        logits it was sampled from (for its alternatives). The caller stops by closing the
        iterator; the last token it received is not evaluated, as in plain decoding.

        With a ``drafter`` (holding the prompt), up to ``policy.length`` tokens guessed from
        the history are evaluated with the last sampled one, and sampled position by position
        while the sampler agrees with the guess: each token is chosen as it would be without
        the draft, from its own logits and the same sampler state; ``policy`` counts the
        drafted and kept tokens and says when drafting stops paying. A draft never reaches
        past ``wanted`` tokens, where the caller will stop."""
        sampler, ctx, llm = chain.sampler, self._ctx, self.llm
        sample = llama_cpp.llama_sampler_sample
        n_ctx = llm.n_ctx()
        if drafter is None:
            policy = None
        elif policy is None:
            policy = DraftPolicy()
        token = sample(sampler, ctx, -1)
        produced = 1
        if drafter is not None:
            drafter.append(token)
        yield token, -1
        while True:
            position = llm.n_tokens
            draft: list[int] = []
            if policy is not None and policy.enabled and not policy.wants_single_step():
                # The draft and the token before it must fit the batch and the context.
                limit = min(policy.length, self._capacity - 1, n_ctx - position - 1)
                if wanted is not None:
                    limit = min(limit, wanted - produced - 1)  # the batch yields up to limit + 1
                draft = drafter.draft(limit) if limit > 0 else []
            started = perf_counter() if policy is not None else 0.0
            if not draft:
                self._decode((token,), position, all_logits=False)
                token = sample(sampler, ctx, -1)
                if policy is not None:
                    policy.record_single(perf_counter() - started)
                if drafter is not None:
                    drafter.append(token)
                produced += 1
                yield token, -1
                continue
            self._decode((token, *draft), position, all_logits=True)
            chosen: list[int] = []
            for index in range(len(draft) + 1):
                chosen.append(sample(sampler, ctx, index))
                if index == len(draft) or chosen[-1] != draft[index]:
                    break
            kept = len(chosen) - 1  # drafted tokens the sampler confirmed
            self._truncate(position + 1 + kept)
            policy.record(len(draft), kept, perf_counter() - started)
            # All are sampled before the first is handed out: their logits stay readable
            # until the next batch.
            produced += len(chosen)
            for index, confirmed in enumerate(chosen):
                drafter.append(confirmed)
                yield confirmed, index
            token = chosen[-1]
