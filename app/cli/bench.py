"""`inkwell bench`: the engine's streaming path against plain llama-cpp-python, side by side.

Four methods generate the same number of tokens from the same prompt with the same sampler
settings (end-of-sequence suppressed, so every run has the exact length):

- engine: Inkwell's EngineHost → engine thread → batched chunk signals, as the GUI uses it;
- engine_alternatives: the same, keeping the top 8 candidates of every token and delivering
  them with the text (what showing token alternatives costs);
- bare: a `Llama.generate()` loop that only counts tokens (the ceiling);
- create_completion: `Llama.create_completion(stream=True)`, the usual way to stream.

Each run starts from an empty KV cache. Runs alternate between methods so that a noisy
neighbour slows all of them alike; the median of each is reported. The engine runs with and
without alternatives back to back, in turns, and their ratio is the median of those pairs.

Then, unless left out: rewrites and a continuation with and without speculative drafting
(bench_speculative.py), llama.cpp's own llama-server streaming the same prompt when
``--llama-server`` names one (bench_native.py; ``native_ratio``), and saved model state
(bench_resume.py).

A whole bench takes minutes: stderr says which measurement is running and how far it is
("[6/42] 128 tokens, bare, run 2 of 3"); stdout carries the results alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.cli import bench_native, bench_resume, bench_speculative
from app.cli.common import EXIT_OK, EXIT_USAGE, NO_MODEL_MESSAGE, load_params_for, remote_engine_for, resolve_model
from app.core.alternatives import DEFAULT_ALTERNATIVES
from app.core.generation import (
    ChatMessage,
    ContinuationSource,
    GenerationRequest,
    SamplerSettings,
)
from app.engine.headless import EngineFailure, HeadlessEngine

PROMPT = (
    "The lighthouse keeper had not spoken to anyone in three weeks when the boat appeared. "
    "It came through the fog without a light, its sail torn, and the keeper watched it from "
    "the gallery with a lamp in one hand and the logbook in the other. He wrote the time, "
    "the wind and the state of the sea, as he always did, and then he went down the stairs "
    "to meet whoever had come so far in such weather. What follows is his account."
)
SAMPLER = SamplerSettings(temperature=0.8, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.1, seed=1234)
METHODS = ("engine", "engine_alternatives", "bare", "create_completion")

# What a measurement says when it starts ("128 tokens, bare, run 2 of 3"); by default nothing.
Announce = Callable[[str], None]


def _quiet(what: str) -> None:
    pass


class StepCounter:
    """Numbers the measurements as they start, on stderr: "[6/42] 128 tokens, bare, run 2 of 3"."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def __call__(self, what: str) -> None:
        self.done += 1
        print(f"[{self.done}/{self.total}] {what}", file=sys.stderr, flush=True)


def count_steps(lengths: list[int], repeats: int, turns: int, draft_words: int, remote: bool, resume: bool = True,
                speculative: bool = True, native: bool = False) -> int:
    """How many measurements a bench announces, loading the model included."""
    runs = 1 + len(lengths) * repeats * len(METHODS) if lengths else 0  # with the warm-up
    return (1 + runs + 2 * turns + (2 if draft_words else 0) + (1 + 2 * repeats if remote else 0)
            + (bench_resume.step_count() if resume else 0)
            + (bench_speculative.step_count(repeats) if speculative else 0)
            + (bench_native.step_count(repeats) if native else 0))


@dataclass
class Run:
    method: str
    length: int
    prompt_tokens: int
    generated: int
    ttft: float
    gen_tps: float
    repeat: int = 0

    @property
    def prompt_tps(self) -> float:
        return self.prompt_tokens / self.ttft if self.ttft > 0 else 0.0


def _timing(method, length, prompt_tokens, generated, started, first, ended) -> Run:
    first = first or ended
    gen_tps = (generated - 1) / (ended - first) if generated > 1 and ended > first else 0.0
    return Run(method, length, prompt_tokens, generated, first - started, gen_tps)


def _reset(backend) -> None:
    backend.llm.reset()  # the next call evaluates the whole prompt again


def _bare_job(length: int):
    def job(backend) -> Run:
        llm = backend.llm
        request = GenerationRequest(prompt=PROMPT, max_tokens=length, sampler=SAMPLER, ignore_eos=True)
        tokens = backend.tokenize_prompt(PROMPT)
        _reset(backend)
        llm.set_seed(SAMPLER.seed)
        generated, first = 0, None
        started = time.perf_counter()
        for _token in llm.generate(tokens, **backend.sampling_kwargs(request)):
            if first is None:
                first = time.perf_counter()
            generated += 1
            if generated >= length:
                break
        return _timing("bare", length, len(tokens), generated, started, first, time.perf_counter())

    return job


def _create_completion_job(length: int):
    def job(backend) -> Run:
        llm = backend.llm
        request = GenerationRequest(prompt=PROMPT, max_tokens=length, sampler=SAMPLER, ignore_eos=True)
        kwargs = backend.sampling_kwargs(request)
        tokens = backend.tokenize_prompt(PROMPT)
        _reset(backend)
        first = None
        text_chunks = 0
        started = time.perf_counter()
        stream = llm.create_completion(
            tokens,
            max_tokens=length,
            stream=True,
            temperature=kwargs["temp"],
            top_p=kwargs["top_p"],
            top_k=kwargs["top_k"],
            min_p=kwargs["min_p"],
            repeat_penalty=kwargs["repeat_penalty"],
            seed=SAMPLER.seed,
            logits_processor=kwargs["logits_processor"],
        )
        finish = None
        for chunk in stream:
            if first is None:
                first = time.perf_counter()
            text_chunks += 1
            finish = chunk["choices"][0].get("finish_reason") or finish
        ended = time.perf_counter()
        # With end-of-sequence suppressed the completion always runs to max_tokens.
        generated = length if finish == "length" else text_chunks
        return _timing("create_completion", length, len(tokens), generated, started, first, ended)

    return job


def _engine_run(engine, length: int, alternatives: int = 0) -> Run:
    engine.run(_reset)
    request = GenerationRequest(prompt=PROMPT, max_tokens=length, sampler=SAMPLER, ignore_eos=True,
                                alternatives=alternatives)
    if alternatives:
        received: list = []  # kept, as the writing desk keeps them
        stats = engine.generate(request, None, received.extend)
    else:
        stats = engine.generate(request)
    # The worker's clock: it includes detokenizing, stop-string checks and batched emission.
    first = stats.time_to_first_token
    gen_seconds = stats.total_seconds - first
    return Run(
        "engine_alternatives" if alternatives else "engine",
        length,
        stats.prompt_tokens,
        stats.generated_tokens,
        first,
        (stats.generated_tokens - 1) / gen_seconds if gen_seconds > 0 else 0.0,
    )


def measure(engine, lengths: list[int], repeats: int, announce: Announce = _quiet) -> list[Run]:
    runs: list[Run] = []
    announce("warm-up")
    engine.generate(GenerationRequest(prompt=PROMPT, max_tokens=16, sampler=SAMPLER))
    for length in lengths:
        for repeat in range(repeats):
            for method in _order(repeat):
                announce(f"{length} tokens, {method}, run {repeat + 1} of {repeats}")
                if method == "engine":
                    run = _engine_run(engine, length)
                elif method == "engine_alternatives":
                    run = _engine_run(engine, length, DEFAULT_ALTERNATIVES)
                elif method == "bare":
                    run = engine.run(_bare_job(length))
                else:
                    run = engine.run(_create_completion_job(length))
                runs.append(replace(run, repeat=repeat))
    return runs


def _order(repeat: int) -> list[str]:
    """The methods in this repeat's turn: the others rotate, and the engine with and without
    alternatives stay side by side, taking turns to go first."""
    pair = ("engine", "engine_alternatives") if repeat % 2 == 0 else ("engine_alternatives", "engine")
    units = [pair, ("bare",), ("create_completion",)]
    shift = repeat % len(units)
    return [method for unit in units[shift:] + units[:shift] for method in unit]


def _pair_ratios(runs: list[Run], length: int) -> list[float]:
    """Generation speed with alternatives ÷ without, for each pair run back to back."""
    by_repeat: dict[int, dict[str, float]] = {}
    for run in runs:
        if run.length == length and run.method in ("engine", "engine_alternatives"):
            by_repeat.setdefault(run.repeat, {})[run.method] = run.gen_tps
    return [pair["engine_alternatives"] / pair["engine"] for pair in by_repeat.values()
            if pair.get("engine") and "engine_alternatives" in pair]


QUESTIONS = (
    "I want to write a short story about a lighthouse keeper. Where should I start?",
    "What should his name be?",
    "Describe the lighthouse in two sentences.",
    "What does he fear most?",
    "Who arrives on the boat?",
    "How do they first speak to each other?",
    "What secret does the visitor carry?",
    "What is the turning point?",
    "How does the story end?",
    "Suggest a title.",
    "Summarise the plot in one line.",
    "What would a sequel be about?",
)


def measure_conversation(engine, turns: int, reply_tokens: int = 48, announce: Announce = _quiet) -> list[dict]:
    """A conversation of ``turns`` turns, as the chat window sends it (the whole history
    every turn). Each turn is measured twice: as it happens, reusing the KV cache of the
    turn before, and again from an empty cache for comparison."""
    history = [ChatMessage("system", "You are a helpful writing assistant.")]
    rows = []
    for turn in range(turns):
        announce(f"conversation, turn {turn + 1} of {turns}")
        history.append(ChatMessage("user", QUESTIONS[turn % len(QUESTIONS)]))
        chunks: list[str] = []
        request = GenerationRequest(messages=tuple(history), max_tokens=reply_tokens, sampler=SAMPLER, ignore_eos=True)
        stats = engine.generate(request, chunks.append)
        history.append(ChatMessage("assistant", "".join(chunks)))
        rows.append({
            "turn": turn + 1,
            "prompt_tokens": stats.prompt_tokens,
            "reused_tokens": stats.cached_tokens,
            "ttft_s": stats.time_to_first_token,
        })
    for row, turn in zip(rows, range(turns)):
        announce(f"conversation, turn {turn + 1} of {turns} again, from an empty cache")
        engine.run(_reset)
        messages = tuple(history[: 2 + 2 * turn])
        stats = engine.generate(GenerationRequest(messages=messages, max_tokens=1, sampler=SAMPLER))
        row["ttft_without_reuse_s"] = stats.time_to_first_token
    return rows


def synthetic_draft(words: int) -> str:
    """A draft of about ``words`` words in paragraphs, varied enough not to look like a loop."""
    sentences = [sentence.strip() + "." for sentence in PROMPT.split(".") if sentence.strip()]
    paragraphs, count, index = [], 0, 0
    while count < words:
        paragraph = " ".join(f"{sentences[(index + k) % len(sentences)]}" for k in range(4))
        paragraphs.append(f"{len(paragraphs) + 1}. {paragraph}")
        count += len(paragraph.split()) + 1
        index += 1
    return "\n\n".join(paragraphs)


def measure_long_draft(engine, words: int, announce: Announce = _quiet) -> dict:
    """Continuing a long draft twice at the same place: the second time, the prompt is
    already in the KV cache."""
    engine.run(_reset)
    source = ContinuationSource(synthetic_draft(words), memory="A quiet story about a lighthouse keeper.")
    request = GenerationRequest(continuation=source, max_tokens=16, sampler=SAMPLER, ignore_eos=True)
    announce(f"continuing a {words:,}-word draft")
    first = engine.generate(request)
    announce(f"continuing the {words:,}-word draft again at the same place")
    second = engine.generate(request)
    return {
        "words": words,
        "prompt_tokens": first.prompt_tokens,
        "first_ttft_s": first.time_to_first_token,
        "second_ttft_s": second.time_to_first_token,
        "second_reused_tokens": second.cached_tokens,
    }


def _stop_latency(engine, max_tokens: int, after_chunks: int = 5) -> float | None:
    """Seconds from Stop to the end of the request, a few chunks into a long reply; None when
    the reply ended before Stop was pressed (nothing was measured)."""
    request = GenerationRequest(prompt=PROMPT, max_tokens=max_tokens, sampler=SAMPLER, ignore_eos=True)
    chunks: list[str] = []
    stopped_at: list[float] = []

    def on_text(text: str) -> None:
        chunks.append(text)
        if len(chunks) == after_chunks:
            stopped_at.append(time.perf_counter())
            engine.cancel()

    engine.generate(request, on_text)
    ended = time.perf_counter()
    return ended - stopped_at[0] if stopped_at else None


def _median(values: list[float | None]) -> float | None:
    """The median of the values measured; None when none was."""
    measured = [value for value in values if value is not None]
    return statistics.median(measured) if measured else None


def measure_remote(local, remote, length: int, repeats: int, announce: Announce = _quiet) -> dict:
    """The same request through the local engine and a remote one, alternating: first token,
    generation speed and how fast Stop ends a reply. With the same model served on this
    computer, the ratios are the cost of the HTTP path."""
    rows: dict[str, dict[str, list[float]]] = {name: {"ttft_s": [], "gen_tps": [], "stop_s": []} for name in ("local", "remote")}
    announce("remote engine, warm-up")
    remote.generate(GenerationRequest(prompt=PROMPT, max_tokens=4, sampler=SAMPLER))
    for repeat in range(repeats):
        for name in (("local", "remote") if repeat % 2 == 0 else ("remote", "local")):
            announce(f"{length} tokens, {name} engine, run {repeat + 1} of {repeats}")
            # Both keep the prompt in their cache from the previous run, as a server does.
            engine = local if name == "local" else remote
            stats = engine.generate(GenerationRequest(prompt=PROMPT, max_tokens=length, sampler=SAMPLER, ignore_eos=True))
            rows[name]["ttft_s"].append(stats.time_to_first_token)
            rows[name]["gen_tps"].append(stats.tokens_per_second)
            rows[name]["stop_s"].append(_stop_latency(engine, 2000))
    result = {name: {key: _median(values) for key, values in row.items()} for name, row in rows.items()}
    result["length"] = length
    result["remote_vs_local_gen"] = result["remote"]["gen_tps"] / result["local"]["gen_tps"] if result["local"]["gen_tps"] else 0.0
    return result


def summarize(runs: list[Run]) -> dict:
    result: dict = {"lengths": {}}
    for length in sorted({r.length for r in runs}):
        per_method = {}
        for method in METHODS:
            mine = [r for r in runs if r.length == length and r.method == method]
            per_method[method] = {
                "ttft_s": statistics.median(r.ttft for r in mine),
                "prompt_tps": statistics.median(r.prompt_tps for r in mine),
                "gen_tps": statistics.median(r.gen_tps for r in mine),
                "generated": mine[0].generated,
                "runs": len(mine),
            }
        engine, _, bare, completion = (per_method[m]["gen_tps"] for m in METHODS)
        pairs = _pair_ratios(runs, length)
        result["lengths"][str(length)] = {
            **per_method,
            "engine_vs_bare": engine / bare if bare else 0.0,
            "engine_vs_create_completion": engine / completion if completion else 0.0,
            "alternatives_overhead_ratio": statistics.median(pairs) if pairs else 0.0,
        }
    every_pair = [ratio for length in result["lengths"] for ratio in _pair_ratios(runs, int(length))]
    if every_pair:
        # Generation speed with alternatives ÷ without: the median over every pair of runs.
        result["alternatives_overhead_ratio"] = statistics.median(every_pair)
    return result


def format_table(summary: dict) -> str:
    lines = [f"Model: {summary['model']}, context {summary['n_ctx']}, threads: {summary['threads']}", ""]
    if summary["lengths"]:
        header = f"{'tokens':>6}  {'method':<20} {'TTFT ms':>8} {'prompt tok/s':>13} {'gen tok/s':>10}"
        lines.append(header)
        lines.append("-" * len(header))
        for length, row in summary["lengths"].items():
            for method in METHODS:
                m = row[method]
                lines.append(
                    f"{length:>6}  {method:<20} {m['ttft_s'] * 1000:>8.1f} {m['prompt_tps']:>13.1f} {m['gen_tps']:>10.1f}"
                )
            lines.append(
                f"{'':>6}  engine / bare = {row['engine_vs_bare']:.3f}   "
                f"engine / create_completion = {row['engine_vs_create_completion']:.3f}   "
                f"with alternatives / without = {row['alternatives_overhead_ratio']:.3f}"
            )
        lines.append("")
        lines.append("Targets: engine ≥ 0.95 × bare at every length; ≥ 1.1 × create_completion at 1024 tokens; "
                     "with alternatives ≥ 0.95 × without.")
    if summary.get("conversation"):
        lines += ["", "Conversation (whole history sent every turn; 48-token replies):", ""]
        header = f"{'turn':>4} {'prompt':>7} {'reused':>7} {'evaluated':>9} {'TTFT ms':>8} {'TTFT ms, no reuse':>18}"
        lines += [header, "-" * len(header)]
        for row in summary["conversation"]:
            lines.append(
                f"{row['turn']:>4} {row['prompt_tokens']:>7} {row['reused_tokens']:>7} "
                f"{row['prompt_tokens'] - row['reused_tokens']:>9} {row['ttft_s'] * 1000:>8.1f} "
                f"{row['ttft_without_reuse_s'] * 1000:>18.1f}"
            )
    draft = summary.get("long_draft")
    if draft:
        lines += [
            "",
            f"Continuing a {draft['words']:,}-word draft ({draft['prompt_tokens']:,} prompt tokens after fitting the context):",
            f"  first time: time to first token {draft['first_ttft_s'] * 1000:,.0f} ms",
            f"  again at the same place: {draft['second_ttft_s'] * 1000:,.0f} ms "
            f"({draft['second_reused_tokens']:,} tokens reused)",
        ]
    remote = summary.get("remote")
    if summary.get("resume"):
        lines += bench_resume.format_lines(summary["resume"])
    native = summary.get("native")
    if native and native["baseline"] == "llama-server":
        lines += ["", f"Against llama.cpp's llama-server ({native['length']} tokens, {native['sampler']}, timed as the "
                      "text arrives, median):",
                  f"  Inkwell {native['inkwell_tps']:.1f} tok/s, llama-server {native['llama_server_tps']:.1f} tok/s: "
                  f"native_ratio = {native['native_ratio']:.3f}"]
    if summary.get("speculative"):
        lines += bench_speculative.format_lines(summary["speculative"])
    if remote:
        lines += ["", f"Remote engine {summary['remote_engine']} against the local engine ({remote['length']} tokens, median):", ""]
        header = f"{'engine':<8} {'TTFT ms':>8} {'gen tok/s':>10} {'Stop → end ms':>14}"
        lines += [header, "-" * len(header)]
        for name in ("local", "remote"):
            row = remote[name]
            stop = "n/a" if row["stop_s"] is None else f"{row['stop_s'] * 1000:.1f}"  # Stop never fired
            lines.append(f"{name:<8} {row['ttft_s'] * 1000:>8.1f} {row['gen_tps']:>10.1f} {stop:>14}")
        lines.append(f"remote / local generation speed = {remote['remote_vs_local_gen']:.3f}")
        if any(remote[name]["stop_s"] is None for name in ("local", "remote")):
            lines.append("Stop → end n/a: every reply ended before Stop was pressed, so nothing was measured.")
    return "\n".join(lines)


def run_bench(args: argparse.Namespace, paths=None) -> int:

    try:
        lengths = [int(part) for part in args.lengths.split(",") if part.strip()]
    except ValueError:
        lengths = []
    if (args.lengths.strip() and not lengths) or (lengths and min(lengths) < 2) or args.repeats < 1 or args.turns < 0 or args.draft_words < 0:
        print("inkwell: --lengths takes numbers ≥ 2 such as 128,1024 (or nothing), --repeats ≥ 1 "
              "and --turns, --draft-words ≥ 0.", file=sys.stderr)
        return EXIT_USAGE
    model = resolve_model(args.model)
    if model is None:
        print(f"inkwell: {NO_MODEL_MESSAGE}", file=sys.stderr)
        return EXIT_USAGE
    params = load_params_for(args)
    only = getattr(args, "only", None)
    if only == "resume":
        return _run_resume_only(args, model, params)
    skipped = getattr(args, "skip", None) or ()
    resume = "resume" not in skipped
    speculative = "speculative" not in skipped
    if only == "speculative":
        lengths, resume, args.turns, args.draft_words, args.engine = [], False, 0, 0, None
    native_server = getattr(args, "llama_server", None)
    if native_server and not Path(native_server).is_file():
        print(f"inkwell: there is no llama-server at {native_server} (`make llama-server` builds one and prints "
              "its path).", file=sys.stderr)
        return EXIT_USAGE
    announce = StepCounter(count_steps(lengths, args.repeats, args.turns, args.draft_words, bool(args.engine), resume,
                                       speculative, bool(native_server)))
    engine = HeadlessEngine()
    try:
        try:
            n_ctx = max(args.n_ctx or 4096, max(lengths, default=0) + 256)
            announce(f"loading {model.name}")
            info = engine.load(str(model), replace(params, n_ctx=n_ctx))
        except EngineFailure as error:
            print(f"inkwell: {error}", file=sys.stderr)
            return EXIT_USAGE
        if info.n_ctx < max(lengths, default=0) + 128:
            print(f"inkwell: {info.name} holds only {info.n_ctx} tokens; use shorter --lengths.", file=sys.stderr)
            return EXIT_USAGE
        summary = summarize(measure(engine, lengths, args.repeats, announce)) if lengths else {"lengths": {}}
        if args.turns:
            summary["conversation"] = measure_conversation(engine, args.turns, announce=announce)
        if args.draft_words:
            summary["long_draft"] = measure_long_draft(engine, args.draft_words, announce)
        if args.engine:
            failure = _measure_remote_into(summary, args, engine, lengths[0] if lengths else 128, announce)
            if failure:
                print(f"inkwell: {failure}", file=sys.stderr)
                return EXIT_USAGE
        if speculative:
            summary["speculative"] = bench_speculative.measure_speculative(engine, info.n_ctx, args.repeats, announce)
        if native_server:
            try:
                summary["native"] = bench_native.measure_native(
                    engine, native_server, str(model), info.n_ctx, info.n_threads, PROMPT,
                    max(lengths, default=512), args.repeats, announce)
            except bench_native.NativeServerError as error:
                print(f"inkwell: {error}", file=sys.stderr)
                return EXIT_USAGE
            summary["native_ratio"] = summary["native"]["native_ratio"]
        elif lengths:
            longest = summary["lengths"][str(max(lengths))]
            summary["native"] = {"baseline": "Llama.generate", "length": max(lengths)}
            summary["native_ratio"] = longest["engine_vs_bare"]
        summary["model"] = info.name
        summary["n_ctx"] = info.n_ctx
        summary["threads"] = info.n_threads
    finally:
        engine.close()  # its memory is wanted for the resume measurements' own engines
    try:
        if resume:
            summary["resume"] = bench_resume.measure_resume(
                HeadlessEngine, str(model), params, synthetic_draft(bench_resume.DRAFT_WORDS), announce)
    except EngineFailure as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(format_table(summary))
    return EXIT_OK


def _run_resume_only(args: argparse.Namespace, model, params) -> int:
    """`inkwell bench --only resume`: the saved-state and sliding-window figures alone."""
    announce = StepCounter(bench_resume.step_count())
    try:
        resume = bench_resume.measure_resume(
            HeadlessEngine, str(model), params, synthetic_draft(bench_resume.DRAFT_WORDS), announce)
    except EngineFailure as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE
    summary = {"model": model.stem, "threads": resume["threads"], "resume": resume}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print("\n".join([f"Model: {model.stem}", *bench_resume.format_lines(resume)]))
    return EXIT_OK


def _measure_remote_into(summary: dict, args: argparse.Namespace, local, length: int, announce: Announce) -> str | None:
    """Adds the remote comparison to ``summary``; returns a message when it cannot run."""

    try:
        engine, key = remote_engine_for(args)
    except ValueError as error:
        return str(error)
    remote = HeadlessEngine()
    try:
        remote.connect(engine, key)
        summary["remote"] = measure_remote(local, remote, length, args.repeats, announce)
        summary["remote_engine"] = engine.api_base
    except EngineFailure as error:
        return str(error)
    finally:
        remote.close()
    return None
