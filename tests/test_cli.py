"""The `inkwell` command, run as a person would run it."""

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from app import __version__


def inkwell(*args, timeout=300, stdin=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True, text=True, timeout=timeout, env=env, input=stdin,
    )


def test_version():
    result = inkwell("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"inkwell {__version__}"


def test_chat_streams_reply_and_prints_stats(tmp_path):
    result = inkwell("--data-dir", str(tmp_path), "chat", "--seed", "7", "--max-tokens", "12", "Hello!")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "tok/s" in result.stderr and "SmolLM2" in result.stderr
    assert (tmp_path / "data").is_dir() and (tmp_path / "config").is_dir()
    again = inkwell("--data-dir", str(tmp_path), "chat", "--seed", "7", "--max-tokens", "12", "Hello!")
    assert again.stdout == result.stdout


def test_chat_reads_message_from_stdin(tmp_path):
    result = inkwell("--data-dir", str(tmp_path), "chat", "--max-tokens", "4", "-", stdin="Hi there")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_chat_with_bad_model_fails_clearly(tmp_path):
    bogus = tmp_path / "model.gguf"
    bogus.write_text("not a model")
    result = inkwell("--data-dir", str(tmp_path), "chat", "--model", str(bogus), "Hello")
    assert result.returncode == 2
    assert "not a GGUF" in result.stderr
    assert "Traceback" not in result.stderr
    missing = inkwell("--data-dir", str(tmp_path), "chat", "--model", str(tmp_path / "nope.gguf"), "Hello")
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_bench_prints_side_by_side_figures(tmp_path):
    result = inkwell("--data-dir", str(tmp_path), "bench", "--lengths", "16", "--repeats", "1", "--turns", "3",
                     "--draft-words", "2000", "--n-ctx", "512", "--skip", "resume", "--skip", "speculative", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    row = summary["lengths"]["16"]
    for method in ("engine", "bare", "create_completion"):
        assert row[method]["generated"] == 16
        assert row[method]["gen_tps"] > 0 and row[method]["ttft_s"] > 0
    assert row["engine_vs_bare"] > 0 and row["engine_vs_create_completion"] > 0
    # Without --llama-server, the native ratio is the one to a bare Llama.generate() loop.
    assert summary["native"]["baseline"] == "Llama.generate"
    assert summary["native_ratio"] == row["engine_vs_bare"]
    assert "speculative" not in summary and "resume" not in summary
    turns = summary["conversation"]
    assert [t["turn"] for t in turns] == [1, 2, 3]
    # Each turn after the first reuses the previous turn's prompt from the KV cache.
    for before, after in zip(turns, turns[1:]):
        assert after["reused_tokens"] >= before["prompt_tokens"]
        assert after["prompt_tokens"] > before["prompt_tokens"]
    draft = summary["long_draft"]
    assert draft["words"] == 2000
    assert draft["second_reused_tokens"] >= draft["prompt_tokens"] - 1  # the same prompt, cached


def test_bench_rejects_bad_lengths(tmp_path):
    result = inkwell("--data-dir", str(tmp_path), "bench", "--lengths", "abc")
    assert result.returncode == 2 and "--lengths" in result.stderr


def test_ctrl_c_stops_chat_and_prints_stats(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "chat", "--max-tokens", "2000",
         "Count from 1 to 1000, one number per line."],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    try:
        assert process.stdout.read(1)  # the reply has started
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "stopped by you" in err.decode()
    assert "Traceback" not in err.decode()


def test_continue_prints_a_continuation(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("The old house at the end of the lane had been empty for years, until")
    memory = tmp_path / "memory.txt"
    memory.write_text("A quiet ghost story set in Yorkshire.")
    result = inkwell("--data-dir", str(tmp_path), "continue", "--memory", str(memory), "--max-tokens", "16",
                     "--seed", "3", str(draft))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "The old house" not in result.stdout  # only the continuation, not the draft
    assert "tok/s" in result.stderr


def test_continue_reports_bad_input(tmp_path):
    missing = inkwell("--data-dir", str(tmp_path), "continue", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "was not found" in missing.stderr
    empty = inkwell("--data-dir", str(tmp_path), "continue", "-", stdin="   ")
    assert empty.returncode == 2 and "empty" in empty.stderr
    binary = tmp_path / "draft.bin"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = inkwell("--data-dir", str(tmp_path), "continue", str(binary))
    assert result.returncode == 2 and "not UTF-8" in result.stderr


def test_rewrite_lists_styles_and_rewrites(tmp_path):
    listed = inkwell("--data-dir", str(tmp_path), "rewrite", "--list-styles")
    assert listed.returncode == 0
    assert "Formal:" in listed.stdout and "Fix grammar only:" in listed.stdout
    passage = tmp_path / "passage.txt"
    passage.write_text("the meeting are tomorrow, dont be late")
    result = inkwell("--data-dir", str(tmp_path), "rewrite", "--style", "fix grammar only", "--seed", "1", str(passage))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "tok/s" in result.stderr


def test_rewrite_drafts_speculatively_unless_told_not_to(tmp_path):
    passage = tmp_path / "passage.txt"
    passage.write_text("The keeper have lived alone on the island for twelve year. He climb the stairs every "
                       "morning and clean the lens, and every evening he write the weather in the logbook.")
    # One thread and greedy: llama.cpp then computes a drafted token as it does a single one.
    common = ("--data-dir", str(tmp_path), "rewrite", "--threads", "1", "--temperature", "0", "--seed", "1",
              "--style", "fix grammar only", "--max-tokens", "48")
    drafted = inkwell(*common, str(passage))
    plain = inkwell(*common, "--speculative", "off", str(passage))
    assert drafted.returncode == plain.returncode == 0, drafted.stderr + plain.stderr
    assert drafted.stdout == plain.stdout and drafted.stdout.strip()
    assert re.search(r"\d+ of \d+ drafted tokens kept", drafted.stderr)  # on by default
    assert "drafted" not in plain.stderr
    wrong = inkwell(*common, "--speculative", "maybe", str(passage))
    assert wrong.returncode == 2 and "--speculative" in wrong.stderr


def test_rewrite_reports_bad_requests(tmp_path):
    unknown = inkwell("--data-dir", str(tmp_path), "rewrite", "--style", "Pirate", "-", stdin="Hello")
    assert unknown.returncode == 2 and "no style called 'Pirate'" in unknown.stderr
    nothing = inkwell("--data-dir", str(tmp_path), "rewrite", "-", stdin="Hello")
    assert nothing.returncode == 2 and "--style" in nothing.stderr


def test_models_list_and_info(tmp_path, starter_model):
    home = tmp_path / "home"
    own = tmp_path / "inkwell" / "data" / "models"
    own.mkdir(parents=True)
    (own / "broken.gguf").write_text("not a model")
    env = {"HOME": str(home), "HF_HUB_CACHE": str(tmp_path / "no-cache")}
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "inkwell"), "models", "list", "--json"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, **env),
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["source"] == "starter" and rows[0]["architecture"] == "llama"
    assert rows[0]["fit"] in ("fits", "tight", "won't fit", "unknown")
    broken = next(row for row in rows if row["name"] == "broken")
    assert "not a GGUF" in broken["problem"]

    info = inkwell("--data-dir", str(tmp_path / "inkwell"), "models", "info", str(starter_model), "--json")
    assert info.returncode == 0
    facts = json.loads(info.stdout)
    assert facts["quantization"] == "Q4_1" and facts["chat_template"] is True
    bad = inkwell("--data-dir", str(tmp_path / "inkwell"), "models", "info", str(own / "broken.gguf"))
    assert bad.returncode == 2 and "not a GGUF" in bad.stderr


def test_models_download_from_a_local_hub(tmp_path):
    from tests.fake_hub import REPO, FakeHub

    env = dict(os.environ, HF_HOME=str(tmp_path / "hf-home"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(name, None)
    data_dir = tmp_path / "inkwell"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), "models", "download", *args],
                              capture_output=True, text=True, timeout=120, env=env)

    with FakeHub() as hub:
        env["HF_ENDPOINT"] = hub.url
        listed = run(REPO)
        assert listed.returncode == 0, listed.stderr
        assert "tiny-Q4_K_M.gguf" in listed.stdout and "README" not in listed.stdout
        done = run(REPO, "tiny-Q4_K_M.gguf")
        assert done.returncode == 0, done.stderr
        target = data_dir / "data" / "models" / "tiny-Q4_K_M.gguf"
        assert target.read_bytes() == hub.data("tiny-Q4_K_M.gguf")
        assert "%" in done.stderr  # the progress bar
        missing = run("inkwell-test/No-Such-Repo", "x.gguf")
        assert missing.returncode == 1 and "No-Such-Repo" in missing.stderr
