"""`inkwell bench`'s resume figures (`--only resume` runs just these): what saved model state
and the sliding window's KV shift save, measured through the engine as the app uses it.

- A long draft continued cold, then again after the engine was restarted with its state on
  disk: ``draft_cold_ttft_s``, ``draft_restored_ttft_s`` and their ``ratio``.
- Two long conversations, A, then B, then back to A: the return (``switch_return_ttft_s``)
  beside an ordinary short turn in the same conversation (``short_turn_ttft_s``).
- A conversation that has outgrown a small context, turn after turn
  (``window_slide_ttft_s``), beside its turns that still fitted (``window_fit_ttft_s``).

Saved states go to a temporary folder of the bench's own, removed at the end.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from app.core.generation import ChatMessage, ContinuationSource, GenerationRequest, LoadParams, SamplerSettings

DRAFT_WORDS = 3500  # fitted to a 4,096-token context: about 4,000 prompt tokens
CONVERSATION_TURNS = 16  # each of the two long conversations, before the rounds
ROUNDS = 5  # B, back to A, a short turn in A: the medians of these
WINDOW_CONTEXT = 1024
WINDOW_TURNS = 16
WINDOW_PREFILL = 5  # earlier turns the window conversation starts with
REPLY_TOKENS = 8
WINDOW_REPLY_TOKENS = 48
SAMPLER = SamplerSettings(temperature=0.8, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.1, seed=1234)

ANSWER = ("The keeper kept his log in a clear, slow hand: the wind from the north-west, the sea rough, "
          "the lamp trimmed at dusk and again at midnight, and a note that the boat had not yet been seen.")
TOPICS = ("the lamp", "the fog", "the boat", "the stairs", "the logbook", "the visitor", "the storm",
          "the gallery", "the harbour", "the bell", "the supply ship", "the winter")


def step_count() -> int:
    """How many measurements measure_resume announces."""
    return 4 + 2 + 3 * ROUNDS + 1 + WINDOW_TURNS


def _question(topic: str, long: bool) -> str:
    if long:
        return (f"Tell me more about {topic}: what the keeper notices about it each morning, what he "
                f"writes about it in the log, and how it changes with the season.")
    return f"And {topic}?"


def _conversation(name: str, turns: int) -> list[ChatMessage]:
    history = [ChatMessage("system", f"You are a helpful writing assistant. This is conversation {name}.")]
    for turn in range(turns):
        topic = TOPICS[turn % len(TOPICS)]
        history.append(ChatMessage("user", _question(topic, long=True)))
        history.append(ChatMessage("assistant", f"About {topic}, conversation {name}: {ANSWER}"))
    return history


def _chat(engine, history: list[ChatMessage], question: str, session: str, max_tokens: int):
    """One turn: the question added, the reply streamed and added; its statistics."""
    history.append(ChatMessage("user", question))
    chunks: list[str] = []
    request = GenerationRequest(messages=tuple(history), max_tokens=max_tokens, sampler=SAMPLER, ignore_eos=True,
                                cache_key=session)
    stats = engine.generate(request, chunks.append)
    history.append(ChatMessage("assistant", "".join(chunks)))
    return stats


def measure_resume(engine_factory: Callable[[], object], model: str, params: LoadParams, draft: str,
                   announce: Callable[[str], None]) -> dict:
    with tempfile.TemporaryDirectory(prefix="inkwell-bench-state-") as folder:
        params = replace(params, n_ctx=4096, saved_state=True, saved_state_dir=folder)
        result: dict = {}
        engine = engine_factory()
        try:
            announce(f"resume: loading {Path(model).name}")
            result["threads"] = engine.load(model, params).n_threads
            request = GenerationRequest(continuation=ContinuationSource(draft, memory="A quiet story about a lighthouse keeper."),
                                        max_tokens=16, sampler=SAMPLER, ignore_eos=True, cache_key="document:bench")
            announce("resume: continuing a long draft, cold")
            cold = engine.generate(request)
        finally:
            engine.close()  # the draft's state is written as the model goes
        engine = engine_factory()
        try:
            announce(f"resume: loading {Path(model).name} again, as after a restart")
            engine.load(model, params)
            announce("resume: continuing the draft again, its state on disk")
            restored = engine.generate(request)
            result.update(
                draft_prompt_tokens=cold.prompt_tokens,
                draft_cold_ttft_s=cold.time_to_first_token,
                draft_restored_ttft_s=restored.time_to_first_token,
                draft_restored_tokens=restored.cached_tokens,
                ratio=cold.time_to_first_token / restored.time_to_first_token if restored.time_to_first_token else 0.0,
            )
            result.update(_switching(engine, announce))
            announce(f"resume: loading {Path(model).name} with a {WINDOW_CONTEXT}-token context")
            engine.load(model, replace(params, n_ctx=WINDOW_CONTEXT))
            result.update(_window(engine, announce))
        finally:
            engine.close()
    return result


def _switching(engine, announce: Callable[[str], None]) -> dict:
    """A and B, both long; then rounds of B, back to A (the return), and a short turn in A."""
    histories = {name: _conversation(name, CONVERSATION_TURNS) for name in ("A", "B")}
    first = {}
    for name in ("A", "B"):
        announce(f"resume: conversation {name}, read whole the first time")
        first[name] = _chat(engine, histories[name], "Where should the story start?", f"conversation:{name}", REPLY_TOKENS)
    returns, shorts, restored, switching = [], [], [], []
    for round_ in range(ROUNDS):
        topic = TOPICS[round_ % len(TOPICS)]
        announce(f"resume: round {round_ + 1} of {ROUNDS}, conversation B")
        _chat(engine, histories["B"], _question(topic, long=False), "conversation:B", REPLY_TOKENS)
        announce(f"resume: round {round_ + 1} of {ROUNDS}, back to conversation A")
        back = _chat(engine, histories["A"], _question(topic, long=False), "conversation:A", REPLY_TOKENS)
        returns.append(back.time_to_first_token)
        restored.append(back.cached_tokens)
        # What the return itself cost on the engine thread: keeping B's state, restoring A's.
        switching.append(engine.run(lambda backend: backend.states.last.seconds))
        announce(f"resume: round {round_ + 1} of {ROUNDS}, a short turn in conversation A")
        short = _chat(engine, histories["A"], "Go on.", "conversation:A", REPLY_TOKENS)
        shorts.append(short.time_to_first_token)
    switch_return, short_turn = statistics.median(returns), statistics.median(shorts)
    return {
        "conversation_prompt_tokens": first["A"].prompt_tokens,
        "conversation_first_ttft_s": first["A"].time_to_first_token,
        "switch_return_ttft_s": switch_return,
        "switch_return_reused_tokens": min(restored),
        "switch_keep_and_restore_s": statistics.median(switching),
        "short_turn_ttft_s": short_turn,
        "switch_return_vs_short_turn": switch_return / short_turn if short_turn else 0.0,
    }


def _window(engine, announce: Callable[[str], None]) -> dict:
    """A conversation growing past a small context, a long question and a 48-token reply a turn."""
    history = _conversation("W", WINDOW_PREFILL)
    fits, slides, reused, evaluated, fit_evaluated = [], [], [], [], []
    for turn in range(WINDOW_TURNS):
        announce(f"resume: sliding window, turn {turn + 1} of {WINDOW_TURNS}")
        stats = _chat(engine, history, _question(TOPICS[turn % len(TOPICS)], long=True), "conversation:window",
                      WINDOW_REPLY_TOKENS)
        if turn == 0:
            continue  # the first turn reads everything, as any first turn does
        if stats.dropped_messages:
            slides.append(stats.time_to_first_token)
            reused.append(stats.cached_tokens)
            evaluated.append(stats.prompt_tokens - stats.cached_tokens)
        else:
            fits.append(stats.time_to_first_token)
            fit_evaluated.append(stats.prompt_tokens - stats.cached_tokens)
    slide = statistics.median(slides) if slides else None
    fit = statistics.median(fits) if fits else None
    return {
        "window_context": WINDOW_CONTEXT,
        "window_fit_turns": len(fits),
        "window_slide_turns": len(slides),
        "window_fit_ttft_s": fit,
        "window_slide_ttft_s": slide,
        "window_slide_reused_tokens": statistics.median(reused) if reused else None,
        "window_slide_evaluated_tokens": statistics.median(evaluated) if evaluated else None,
        "window_fit_evaluated_tokens": statistics.median(fit_evaluated) if fit_evaluated else None,
        "window_slide_vs_fit": slide / fit if slide is not None and fit else None,
    }


def format_lines(resume: dict) -> list[str]:
    """The resume figures for the table."""
    def ms(seconds: float | None) -> str:
        return "n/a" if seconds is None else f"{seconds * 1000:,.0f} ms"

    lines = [
        "",
        "Instant resume (saved model state, sliding window):",
        f"  a {resume['draft_prompt_tokens']:,}-token draft, cold: {ms(resume['draft_cold_ttft_s'])}; "
        f"after a restart, its state on disk: {ms(resume['draft_restored_ttft_s'])} "
        f"({resume['draft_restored_tokens']:,} tokens restored); cold ÷ restored = {resume['ratio']:.1f} (target ≥ 20)",
        f"  back to a {resume['conversation_prompt_tokens']:,}-token conversation after another: "
        f"{ms(resume['switch_return_ttft_s'])}; a short turn: {ms(resume['short_turn_ttft_s'])}; "
        f"return ÷ short = {resume['switch_return_vs_short_turn']:.2f} (target ≤ 1.5); keeping one state and "
        f"restoring the other took {ms(resume['switch_keep_and_restore_s'])}",
    ]
    ratio = resume.get("window_slide_vs_fit")
    lines.append(
        f"  a conversation past its {resume['window_context']:,}-token context: {ms(resume['window_slide_ttft_s'])} a turn "
        f"({resume['window_slide_turns']} turns, {resume['window_slide_reused_tokens'] or 0:,.0f} tokens shifted and "
        f"{resume['window_slide_evaluated_tokens'] or 0:,.0f} evaluated); turns that fitted: {ms(resume['window_fit_ttft_s'])} "
        f"({resume['window_fit_evaluated_tokens'] or 0:,.0f} evaluated); "
        + ("slide ÷ fit = n/a" if ratio is None else f"slide ÷ fit = {ratio:.2f}") + " (target ≤ 1.5)"
    )
    return lines
