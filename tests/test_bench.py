"""`inkwell bench`'s arithmetic, with engines that only pretend (no model)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from types import SimpleNamespace

from app.cli import bench, bench_resume, bench_speculative
from app.cli.bench import _stop_latency, format_table, measure_remote
from app.cli.main import build_parser
from app.core.generation import GenerationStats, ModelInfo


class PretendEngine:
    """Streams ``chunks`` pieces, or fewer when cancelled, like HeadlessEngine.generate."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.cancelled = False

    def generate(self, request, on_text=None, on_tokens=None) -> GenerationStats:
        self.cancelled = False
        sent = 0
        while sent < self.chunks and not self.cancelled:
            sent += 1
            if on_text is not None:
                on_text("word ")
        return GenerationStats(request.request_id, "cancelled" if self.cancelled else "length",
                               generated_tokens=sent, time_to_first_token=0.01, tokens_per_second=100.0)

    def cancel(self) -> None:
        self.cancelled = True


def test_stop_latency_is_measured_when_stop_fires():
    engine = PretendEngine(chunks=100)
    latency = _stop_latency(engine, 2000)
    assert engine.cancelled and latency is not None and latency >= 0.0


def test_stop_latency_is_not_measured_when_the_reply_ends_first():
    assert _stop_latency(PretendEngine(chunks=2), 2000) is None  # never 0.0: Stop never fired


def test_the_table_and_json_say_when_stop_was_not_measured():
    remote = measure_remote(PretendEngine(chunks=100), PretendEngine(chunks=2), length=8, repeats=2)
    assert remote["local"]["stop_s"] is not None
    assert remote["remote"]["stop_s"] is None
    summary = {"model": "pretend", "n_ctx": 512, "threads": 1, "lengths": {}, "remote": remote,
               "remote_engine": "http://127.0.0.1:1/v1"}
    remote_row = next(line for line in format_table(summary).splitlines() if line.startswith("remote "))
    assert remote_row.split()[-1] == "n/a"
    assert "nothing was measured" in format_table(summary)
    assert json.loads(json.dumps(summary))["remote"]["remote"]["stop_s"] is None  # null in the JSON


class PretendLlama:
    """What the bare and create_completion jobs ask of llama_cpp.Llama."""

    def reset(self) -> None:
        pass

    def set_seed(self, seed: int) -> None:
        pass

    def generate(self, tokens, **sampling):
        while True:
            yield 1

    def create_completion(self, tokens, *, max_tokens, stream, **sampling):
        for index in range(max_tokens):
            yield {"choices": [{"text": "word ", "finish_reason": "length" if index == max_tokens - 1 else None}]}


class PretendBackend:
    llm = PretendLlama()
    states = SimpleNamespace(last=SimpleNamespace(seconds=0.005))  # what the last switch took

    def tokenize_prompt(self, prompt: str) -> list[int]:
        return [1] * len(prompt.split())

    def sampling_kwargs(self, request) -> dict:
        return {"temp": 0.8, "top_p": 0.95, "top_k": 40, "min_p": 0.05, "repeat_penalty": 1.1, "logits_processor": None}


class PretendHeadlessEngine(PretendEngine):
    """The whole of HeadlessEngine that `inkwell bench` uses: a model that loads at once,
    replies of ``max_tokens`` pieces and jobs run on a pretend backend."""

    def __init__(self) -> None:
        super().__init__(chunks=0)

    def load(self, path: str, params) -> ModelInfo:
        return ModelInfo(path, "pretend", "llama", params.n_ctx, params.n_ctx, True, 0, 30, False, n_threads=2)

    def generate(self, request, on_text=None, on_tokens=None) -> GenerationStats:
        self.chunks = request.max_tokens
        stats = super().generate(request, on_text)
        return replace(stats, prompt_tokens=40, total_seconds=0.5)

    def connect(self, engine, api_key: str = "") -> ModelInfo:
        return ModelInfo(engine.api_base, "pretend remote", "", 4096, 4096, True, 0, 0, False)

    def run(self, job):
        return job(PretendBackend())

    def close(self) -> None:
        pass


def run_pretend_bench(monkeypatch, capsys, tmp_path, *options: str) -> tuple[int, str, str]:
    monkeypatch.setattr(bench, "HeadlessEngine", PretendHeadlessEngine)
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "bench", "--model", str(tmp_path / "pretend.gguf"),
                                      "--lengths", "8,16", "--repeats", "2", "--turns", "2", "--draft-words", "100",
                                      *options])
    code = bench.run_bench(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_bench_says_on_stderr_how_far_it_is_and_keeps_stdout_for_the_results(monkeypatch, capsys, tmp_path):
    code, out, err = run_pretend_bench(monkeypatch, capsys, tmp_path, "--json")
    assert code == 0, err
    summary = json.loads(out)  # nothing but the JSON on stdout
    assert set(summary["lengths"]) == {"8", "16"} and len(summary["conversation"]) == 2
    steps = [re.fullmatch(r"\[(\d+)/(\d+)\] (.+)", line) for line in err.splitlines()]
    assert all(steps), err
    # loading, warm-up, 2 lengths x 2 repeats x 4 methods, 2 turns twice, the draft twice,
    # 3 rewrites both ways twice, then the resume figures
    speculative = bench_speculative.step_count(2)
    total = 24 + speculative + bench_resume.step_count()
    assert [(int(s[1]), int(s[2])) for s in steps] == [(n, total) for n in range(1, total + 1)]
    said = [s[3] for s in steps]
    assert said[0] == "loading pretend.gguf"
    assert "16 tokens, bare, run 2 of 2" in said
    assert "16 tokens, engine_alternatives, run 2 of 2" in said
    assert "conversation, turn 2 of 2 again, from an empty cache" in said
    assert said[23] == "continuing the 100-word draft again at the same place"
    assert said[24] == "speculative: fix_grammar_english, plain, run 1 of 2"
    assert said[25] == "speculative: fix_grammar_english, speculative, run 1 of 2"
    assert said[26] == "speculative: fix_grammar_english, speculative, run 2 of 2"  # the other goes first
    assert said[24 + speculative] == "resume: loading pretend.gguf"
    assert said[-1] == f"resume: sliding window, turn {bench_resume.WINDOW_TURNS} of {bench_resume.WINDOW_TURNS}"
    assert set(summary["resume"]) >= {"draft_cold_ttft_s", "draft_restored_ttft_s", "ratio"}


def test_the_table_goes_to_stdout_alone(monkeypatch, capsys, tmp_path):
    code, out, err = run_pretend_bench(monkeypatch, capsys, tmp_path)
    assert code == 0, err
    assert out.startswith("Model: pretend, context 4096, threads: 2\n")
    assert not re.search(r"^\[\d+/\d+\]", out, re.MULTILINE)
    total = 24 + bench_speculative.step_count(2) + bench_resume.step_count()
    assert err.splitlines()[-1].startswith(f"[{total}/{total}] ")
    assert "Instant resume (saved model state, sliding window):" in out
    assert "with alternatives / without = 1.000" in out


def test_the_remote_comparison_is_counted_too(monkeypatch, capsys, tmp_path):
    code, out, err = run_pretend_bench(monkeypatch, capsys, tmp_path, "--turns", "0", "--draft-words", "0",
                                       "--engine", "http://127.0.0.1:1/v1", "--json")
    assert code == 0, err
    assert json.loads(out)["remote_engine"] == "http://127.0.0.1:1/v1"
    # loading, warm-up, 2 x 2 x 4 runs, then the remote warm-up and 2 repeats x 2 engines,
    # then the rewrites and the resume figures
    total = 23 + bench_speculative.step_count(2) + bench_resume.step_count()
    assert err.splitlines()[18:23] == [
        f"[19/{total}] remote engine, warm-up",
        f"[20/{total}] 8 tokens, local engine, run 1 of 2",
        f"[21/{total}] 8 tokens, remote engine, run 1 of 2",
        f"[22/{total}] 8 tokens, remote engine, run 2 of 2",
        f"[23/{total}] 8 tokens, local engine, run 2 of 2",
    ]


def test_alternatives_are_measured_beside_the_engine_and_the_old_keys_stay(monkeypatch, capsys, tmp_path):
    code, out, err = run_pretend_bench(monkeypatch, capsys, tmp_path, "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["alternatives_overhead_ratio"] == 1.0  # the pretend engine is as fast either way
    for row in summary["lengths"].values():
        assert {"engine", "bare", "create_completion", "engine_vs_bare", "engine_vs_create_completion"} <= set(row)
        assert row["engine_alternatives"]["runs"] == 2 and row["alternatives_overhead_ratio"] == 1.0


class ResumingEngine(PretendHeadlessEngine):
    """Pretends to keep each session's state across restarts (one "disk" for every instance):
    a prompt it holds costs 0.02 s to the first token, one it must read 0.1 s per 100 tokens,
    and a chat past 30 messages drops its oldest ones (whose rest is shifted, not read)."""

    disk: set[str] = set()

    def __init__(self) -> None:
        super().__init__()
        self.held = ""
        self.params = None

    def load(self, path: str, params):
        self.params = params
        assert params.saved_state and params.saved_state_dir  # the bench keeps state, in its own folder
        return super().load(path, params)

    def generate(self, request, on_text=None, on_tokens=None) -> GenerationStats:
        stats = super().generate(request, on_text)
        prompt = 4000 if request.continuation else 20 * len(request.messages)
        known = request.cache_key in self.disk or request.cache_key == self.held
        dropped = max(0, len(request.messages) - 30)
        ttft = 0.02 if known else prompt / 1000
        self.disk.add(request.cache_key)
        self.held = request.cache_key
        return replace(stats, prompt_tokens=prompt, cached_tokens=prompt - 10 if known else 0,
                       time_to_first_token=ttft, dropped_messages=dropped)


def test_only_resume_reports_the_resume_figures_under_their_names(monkeypatch, capsys, tmp_path):
    ResumingEngine.disk = set()
    monkeypatch.setattr(bench, "HeadlessEngine", ResumingEngine)
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "bench", "--model", str(tmp_path / "pretend.gguf"),
                                      "--only", "resume", "--json"])
    code = bench.run_bench(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert "lengths" not in summary and "conversation" not in summary  # nothing but the resume figures
    resume = summary["resume"]
    assert resume["draft_cold_ttft_s"] == 4.0 and resume["draft_restored_ttft_s"] == 0.02
    assert resume["ratio"] == 200.0
    assert resume["switch_return_ttft_s"] == 0.02 and resume["short_turn_ttft_s"] == 0.02
    assert resume["switch_return_vs_short_turn"] == 1.0
    assert resume["switch_keep_and_restore_s"] == 0.005
    assert resume["window_slide_turns"] > 0 and resume["window_fit_turns"] > 0
    assert resume["window_slide_ttft_s"] == 0.02 and resume["window_slide_vs_fit"] == 1.0
    assert resume["window_slide_evaluated_tokens"] == resume["window_fit_evaluated_tokens"] == 10
    lines = err.splitlines()
    assert lines[0] == f"[1/{bench_resume.step_count()}] resume: loading pretend.gguf"
    assert len(lines) == bench_resume.step_count()


def test_the_resume_table_says_what_it_measured(monkeypatch, capsys, tmp_path):
    ResumingEngine.disk = set()
    monkeypatch.setattr(bench, "HeadlessEngine", ResumingEngine)
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "bench", "--model", str(tmp_path / "pretend.gguf"),
                                      "--only", "resume"])
    assert bench.run_bench(args) == 0
    out = capsys.readouterr().out
    assert "a 4,000-token draft, cold: 4,000 ms; after a restart, its state on disk: 20 ms" in out
    assert "cold ÷ restored = 200.0 (target ≥ 20)" in out
    assert "return ÷ short = 1.00 (target ≤ 1.5); keeping one state and restoring the other took 5 ms" in out


class DraftingEngine(PretendHeadlessEngine):
    """Rewrites 1.5 times as fast with drafting, keeping 3 of every 4 drafted tokens; the
    Chinese case's text changes with drafting."""

    continued: list[bool] = []  # for each continuation asked for, whether drafting was on

    def generate(self, request, on_text=None, on_tokens=None) -> GenerationStats:
        if request.continuation is not None:
            self.continued.append(request.speculative)
        chinese = bool(request.messages) and "灯塔" in request.messages[-1].content
        text = "changed" if chinese and request.speculative else "same"
        if on_text is not None:
            on_text(text)
        speed = 150.0 if request.speculative else 100.0
        return GenerationStats(request.request_id, "stop", generated_tokens=40, tokens_per_second=speed,
                               drafted_tokens=40 if request.speculative else 0,
                               accepted_draft_tokens=30 if request.speculative else 0)


def test_only_speculative_reports_each_case_side_by_side(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(bench, "HeadlessEngine", DraftingEngine)
    DraftingEngine.continued.clear()
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "bench", "--model", str(tmp_path / "pretend.gguf"),
                                      "--only", "speculative", "--repeats", "2", "--json"])
    assert bench.run_bench(args) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert "resume" not in summary and "conversation" not in summary and summary["lengths"] == {}
    cases = summary["speculative"]
    assert set(cases) == {"fix_grammar_english", "concise_english", "fix_grammar_chinese", "continue_english"}
    assert cases["continue_english"]["style"] == "Continue"
    assert DraftingEngine.continued == [False, True, True, False]  # each way twice, taking turns
    for name, row in cases.items():
        assert row["plain_tps"] == 100.0 and row["speculative_tps"] == 150.0 and row["ratio"] == 1.5
        assert row["acceptance"] == 0.75
        assert row["identical"] is (name != "fix_grammar_chinese")
    assert len(err.splitlines()) == 1 + bench_speculative.step_count(2)  # loading, then the rewrites
    args.json = False
    assert bench.run_bench(args) == 0
    table = capsys.readouterr().out
    assert "fix_grammar_chinese" in table and "NO" in table.splitlines()[-2]


def test_a_missing_llama_server_is_said_before_anything_is_measured(monkeypatch, capsys, tmp_path):
    code, out, err = run_pretend_bench(monkeypatch, capsys, tmp_path, "--llama-server", str(tmp_path / "nowhere"))
    assert code == 2 and out == ""
    assert err.strip() == (f"inkwell: there is no llama-server at {tmp_path / 'nowhere'} (`make llama-server` "
                           "builds one and prints its path).")
