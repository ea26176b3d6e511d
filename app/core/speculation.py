"""Prompt-lookup drafting: guessing the next tokens of a reply that copies its prompt.

A rewrite keeps most of its passage, and a continuation repeats names and phrases. The last
few tokens written are looked up in everything the model has seen (the prompt and the reply
so far); what followed their most recent earlier occurrence is proposed as the next tokens.
The engine evaluates the proposal in one batch and keeps the tokens its sampler would have
chosen anyway (app/engine/decode.py), so the text is the same with drafting on or off.

``DraftPolicy`` decides how many tokens to propose, and measures whether drafting pays on the
hardware it runs on.
"""

from __future__ import annotations

from collections.abc import Iterable

# The longest and shortest n-gram looked up; a longer match is tried first, being the surer
# guess. Measured on the bench's three greedy rewrites (starter model): from 2-grams, 61%, 54%
# and 46% of the drafted tokens were kept; from 3-grams 74%, 57% and 62%, with as many kept
# (225 of the English fix's 272 tokens either way): a 2-gram mostly adds drafts that fail.
# Longer minimums drafted less and kept fewer.
MAX_NGRAM = 4
MIN_NGRAM = 3


class NgramDrafter:
    """The token history of one request (prompt, then reply) and an index from each n-gram in
    it to the position that followed its most recent occurrence."""

    def __init__(self, tokens: Iterable[int] = (), max_ngram: int = MAX_NGRAM, min_ngram: int = MIN_NGRAM) -> None:
        if not 1 <= min_ngram <= max_ngram:
            raise ValueError("need 1 <= min_ngram <= max_ngram")
        self.max_ngram, self.min_ngram = max_ngram, min_ngram
        self.history: list[int] = []
        # _follows[n][ngram]: the index of the token that followed the n-gram's latest occurrence
        self._follows: dict[int, dict[tuple[int, ...], int]] = {n: {} for n in range(min_ngram, max_ngram + 1)}
        self.extend(tokens)

    def append(self, token: int) -> None:
        history = self.history
        end = len(history)
        for n, follows in self._follows.items():
            if end >= n:
                follows[tuple(history[end - n:end])] = end
        history.append(token)

    def extend(self, tokens: Iterable[int]) -> None:
        for token in tokens:
            self.append(token)

    def draft(self, count: int) -> list[int]:
        """Up to ``count`` tokens that followed the longest recent n-gram the history ends
        with, at its latest earlier occurrence; [] when none occurred before."""
        history = self.history
        if count <= 0:
            return []
        for n in range(self.max_ngram, self.min_ngram - 1, -1):
            if len(history) < n:
                continue
            start = self._follows[n].get(tuple(history[-n:]))
            if start is not None:
                return history[start:start + count]
        return []


class DraftPolicy:
    """How many tokens to draft next, and whether drafting still pays, from how the drafts fare
    and what they cost, measured while the request runs.

    The length doubles while whole drafts are kept and halves when the first token is already
    wrong: a passage being copied earns long drafts, and free writing short ones. Whether it
    pays is measured, not assumed: on a CPU a batch costs nearly as much per token as single
    steps do (the starter model on two cores: 12.6 ms for one token, 75 ms for nine), while on
    a GPU it costs little more than one. After ``PROBATION`` drafts, drafting stops for the
    rest of the request when it has produced fewer tokens per second than single steps do.
    """

    SHORTEST = 2
    LONGEST = 16
    FIRST = 8
    PROBATION = 4  # drafts measured before judging
    SMOOTHING = 0.2  # weight of the newest single step in the average

    def __init__(self) -> None:
        self.length = self.FIRST
        self.drafted = 0
        self.accepted = 0
        self.enabled = True
        self.batches = 0
        self._drafting_tokens = 0  # produced by drafts: the kept ones and the sampler's own
        self._drafting_seconds = 0.0
        self._single_seconds: float | None = None  # a single step's time, averaged

    def record_single(self, seconds: float) -> None:
        """A step that evaluated one token and produced one."""
        previous = self._single_seconds
        self._single_seconds = seconds if previous is None else previous + self.SMOOTHING * (seconds - previous)
        self._judge()

    def wants_single_step(self) -> bool:
        """True when drafting must be compared with a single step that has not been timed yet."""
        return self._single_seconds is None and self.batches >= self.PROBATION

    def record(self, drafted: int, accepted: int, seconds: float) -> None:
        """A draft of ``drafted`` tokens of which the first ``accepted`` were kept, which took
        ``seconds`` to evaluate and sample (it produced ``accepted + 1`` tokens)."""
        if drafted <= 0:
            return
        self.drafted += drafted
        self.accepted += accepted
        self.batches += 1
        self._drafting_tokens += accepted + 1
        self._drafting_seconds += seconds
        if accepted == drafted:
            self.length = min(self.LONGEST, self.length * 2)
        elif accepted == 0:
            self.length = max(self.SHORTEST, self.length // 2)
        self._judge()

    def _judge(self) -> None:
        if self.batches >= self.PROBATION and self._single_seconds is not None and not self.pays():
            self.enabled = False

    def pays(self) -> bool:
        """Whether drafts have produced tokens at least as fast as single steps (True until
        both were measured)."""
        if self._single_seconds is None or self._drafting_seconds <= 0:
            return True
        return self._drafting_tokens / self._drafting_seconds >= 1.0 / self._single_seconds

    @property
    def acceptance(self) -> float:
        """The share of drafted tokens that were kept (0 before any draft)."""
        return self.accepted / self.drafted if self.drafted else 0.0
