"""Remote engines: the pure logic, a fake server for what a real one won't do on cue, and
llama-cpp-python's own OpenAI-compatible server on loopback serving the starter model."""

from __future__ import annotations

import json
import threading
import time

import pytest

from app.core.generation import ChatMessage, ContinuationSource, GenerationRequest, SamplerSettings
from app.core.remote import (
    ASSUMED_CONTEXT,
    ENGINES_FILE,
    EngineList,
    KeyStore,
    RemoteEngine,
    RemoteError,
    api_base,
    describe_status,
    upper_token_estimate,
    normalize_url,
    parse_chunk,
    server_root,
    sse_data,
)
from app.engine.remote import RemoteBackend
from tests.openai_servers import API_KEY, MODEL_ALIAS, FakeOpenAI, LlamaServer, free_port

SEEDED = SamplerSettings(seed=7, temperature=0.0)

# -- pure logic ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed, base, root", [
    ("http://localhost:8080", "http://localhost:8080/v1", "http://localhost:8080"),
    ("http://localhost:8080/v1/", "http://localhost:8080/v1", "http://localhost:8080"),
    ("localhost:11434", "http://localhost:11434/v1", "http://localhost:11434"),
    (" https://gpu.example.org/team/v1 ", "https://gpu.example.org/team/v1", "https://gpu.example.org/team"),
])
def test_urls_are_entered_with_or_without_v1(typed, base, root):
    assert api_base(typed) == base
    assert server_root(typed) == root


@pytest.mark.parametrize("typed, says", [
    ("", "Enter the server's address"),
    ("ftp://host/v1", "not an http"),
    ("http://", "names no host"),
    ("http://host:99999", "invalid port"),
])
def test_bad_urls_are_explained(typed, says):
    with pytest.raises(ValueError, match=says):
        normalize_url(typed)


def test_engine_list_round_trip_never_stores_keys(tmp_path):
    engines = EngineList(tmp_path)
    engines.put(RemoteEngine("GPU box", "http://gpu:8080", model="qwen", timeout_s=30))
    engines.put(RemoteEngine("Ollama", "localhost:11434"))
    engines.put(RemoteEngine("GPU Box", "http://gpu2:8080"), replacing="gpu box")  # renamed, in place
    loaded, problem = engines.load()
    assert problem is None
    assert [(e.name, e.base_url) for e in loaded] == [("GPU Box", "http://gpu2:8080"), ("Ollama", "http://localhost:11434")]
    assert engines.find("ollama").base_url == "http://localhost:11434"
    assert "key" not in (tmp_path / ENGINES_FILE).read_text().lower()
    engines.remove("GPU Box")
    assert [e.name for e in engines.load()[0]] == ["Ollama"]


def test_unreadable_engine_file_is_kept_aside(tmp_path):
    (tmp_path / ENGINES_FILE).write_text('[{"name": "x", "base_url": "ftp://nope"}]')
    engines, problem = EngineList(tmp_path).load()
    assert engines == [] and "could not be read" in problem
    assert (tmp_path / (ENGINES_FILE + ".unreadable")).read_text().startswith("[")


class DictKeyring:
    def __init__(self):
        self.saved = {}

    def get_password(self, service, user):
        return self.saved.get((service, user))

    def set_password(self, service, user, key):
        self.saved[(service, user)] = key

    def delete_password(self, service, user):
        self.saved.pop((service, user), None)


def test_keys_go_to_the_keychain_when_there_is_one():
    keychain = DictKeyring()
    keys = KeyStore(keychain)
    assert keys.persistent
    assert keys.set("GPU box", "sk-123") is None
    assert list(keychain.saved.values()) == ["sk-123"]
    assert KeyStore(keychain).get("GPU box") == "sk-123"
    keys.rename("GPU box", "Team")
    assert KeyStore(keychain).get("Team") == "sk-123" and KeyStore(keychain).get("GPU box") == ""
    keys.set("Team", "")
    assert keychain.saved == {}


def test_without_a_keychain_keys_live_only_in_memory(monkeypatch):
    keys = KeyStore()
    keys._backend, keys._looked_up = None, True  # as on a machine with no Secret Service
    message = keys.set("GPU box", "sk-123")
    assert "only until Inkwell closes" in message
    assert keys.get("GPU box") == "sk-123" and not keys.persistent


def test_sse_events_are_joined_and_comments_skipped():
    lines = [b": keep-alive\r\n", b"data: one\r\n", b"data: two\r\n", b"\r\n", b"event: x\n", b"data:[DONE]\n", b"\n"]
    assert list(sse_data(lines)) == ["one\ntwo", "[DONE]"]


def test_chunks_of_chat_and_plain_completions():
    assert parse_chunk('{"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}').text == "Hi"
    assert parse_chunk('{"choices":[{"text":" there","finish_reason":"length"}]}').finish_reason == "length"
    assert parse_chunk('{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}').completion_tokens == 2
    assert parse_chunk('{"error":{"message":"model crashed"}}').error == "model crashed"
    assert "not JSON" in parse_chunk("<html>").error


def test_status_messages_say_what_to_do():
    engine = RemoteEngine("x", "http://h:1", model="m")
    assert "refused the API key (401)" in describe_status(401, b'{"detail":"Invalid API key"}', engine)
    assert "Invalid API key" in describe_status(401, b'{"detail":"Invalid API key"}', engine)
    assert "no model named 'm'" in describe_status(404, b'{"error":{"message":"model m not found"}}', engine)
    assert "Check the URL" in describe_status(404, b"Not Found", engine)
    assert "wait 20 seconds" in describe_status(429, b"", engine, retry_after="20")
    assert "unavailable right now (503)" in describe_status(503, b"", engine)


def test_token_estimate_errs_high_for_english_and_chinese(starter_model):
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(starter_model), vocab_only=True, verbose=False)
    samples = [
        "The lighthouse keeper climbed the stairs every evening, counting each step twice.",
        "灯塔看守人每天傍晚爬上楼梯，每一级台阶都要数两遍。",
        "def main():\n    return {'x': [1, 2, 3]}\n",
    ]
    for text in samples:
        real = len(llm.tokenize(text.encode(), add_bos=False))
        assert real <= upper_token_estimate(text) <= 3 * real + 8, text


# -- a fake server ---------------------------------------------------------------------------


@pytest.fixture
def fake():
    server = FakeOpenAI()
    yield server
    server.close()


def connect(url: str, **engine) -> RemoteBackend:
    backend = RemoteBackend(RemoteEngine("test", url, **engine), engine.pop("key", "") if "key" in engine else "")
    backend.load()
    return backend


def run(backend: RemoteBackend, request: GenerationRequest, cancel: threading.Event | None = None):
    chunks: list[str] = []
    stats = backend.generate(request, chunks.append, cancel or threading.Event())
    return "".join(chunks), stats


def test_context_length_from_llama_cpp_props(fake):
    fake.props = {"default_generation_settings": {"n_ctx": 32768}}
    assert connect(fake.url).info.n_ctx == 32768


def test_context_length_from_vllm_model_list(fake):
    fake.models = {"data": [{"id": "fake-model", "max_model_len": 16384}]}
    info = connect(fake.url).info
    assert info.n_ctx == 16384 and "/props" not in fake.paths()


def test_context_length_assumed_or_set(fake):
    assert connect(fake.url).info.n_ctx == ASSUMED_CONTEXT
    assert connect(fake.url, context_length=8192).info.n_ctx == 8192


def test_server_tokenizer_is_used_when_there_is_one(fake):
    fake.tokenize = True
    backend = connect(fake.url)
    assert backend.tokenize_route.endswith("/tokenize")
    assert backend.count_tokens("one two three four") == 4
    fake.tokenize = False
    plain = connect(fake.url)
    assert plain.tokenize_route is None
    assert plain.count_tokens("one two three four") == upper_token_estimate("one two three four")


def test_unknown_model_lists_what_the_server_has(fake):
    with pytest.raises(RemoteError, match="no model named 'other'.*fake-model"):
        connect(fake.url, model="other")


def test_rate_limit_is_explained(fake):
    backend = connect(fake.url)
    fake.fail_status, fake.retry_after = 429, "20"
    with pytest.raises(RemoteError, match=r"rate limiting requests \(429\) and asks to wait 20 seconds") as raised:
        run(backend, GenerationRequest(messages=(ChatMessage("user", "hi"),)))
    assert "slow down" in str(raised.value)


def test_a_server_that_never_answers_times_out(fake):
    backend = connect(fake.url, timeout_s=1)
    fake.hang = True
    started = time.monotonic()
    with pytest.raises(RemoteError, match="did not answer within 1 seconds"):
        run(backend, GenerationRequest(messages=(ChatMessage("user", "hi"),)))
    assert time.monotonic() - started < 10


def test_a_dropped_stream_keeps_what_arrived(fake):
    backend = connect(fake.url)
    fake.drop_after = 3
    text, stats = run(backend, GenerationRequest(messages=(ChatMessage("user", "hi"),)))
    assert text == "Once upon a"
    assert stats.finish_reason == "interrupted"
    assert "closed before the reply ended" in stats.error or "Could not reach" in stats.error


def test_usage_from_the_stream_is_reported(fake):
    text, stats = run(connect(fake.url), GenerationRequest(messages=(ChatMessage("user", "hi"),)))
    assert text == "".join(fake.words)
    assert (stats.finish_reason, stats.prompt_tokens, stats.generated_tokens) == ("stop", 11, len(fake.words))


def test_plain_continuation_falls_back_to_chat_without_completions(fake):
    fake.completions = False
    backend = connect(fake.url)
    text, _ = run(backend, GenerationRequest(continuation=ContinuationSource("It was a dark night.")))
    assert text.startswith("Once upon")
    assert fake.paths()[-2:] == ["/v1/completions", "/v1/chat/completions"]
    sent = fake.requests[-1][2]
    assert "dark night" in json.dumps(sent["messages"])


def test_continuing_a_reply_sends_it_as_the_last_message(fake):
    backend = connect(fake.url)
    run(backend, GenerationRequest(messages=(ChatMessage("user", "Tell a story"),), assistant_prefix="Once"))
    body = fake.requests[-1][2]
    assert body["messages"][-1] == {"role": "assistant", "content": "Once"}
    assert body["continue_final_message"] is True and body["stream"] is True


def test_long_conversations_leave_out_the_oldest_turns(fake):
    backend = connect(fake.url, context_length=512)
    history = []
    for n in range(30):
        history += [ChatMessage("user", f"Question {n} " + "word " * 40), ChatMessage("assistant", "Answer " * 20)]
    history.append(ChatMessage("user", "And the last one?"))
    _, stats = run(backend, GenerationRequest(messages=(ChatMessage("system", "Be brief."), *history), max_tokens=64))
    sent = fake.requests[-1][2]["messages"]
    assert stats.dropped_messages > 0
    assert sent[0]["content"] == "Be brief." and sent[-1]["content"] == "And the last one?"
    assert len(sent) == 1 + len(history) - stats.dropped_messages


# -- llama-cpp-python's own server -----------------------------------------------------------


@pytest.fixture(scope="module")
def llama_server(starter_model, tmp_path_factory):
    server = LlamaServer(starter_model, tmp_path_factory.mktemp("server") / "server.log")
    yield server
    server.stop()


@pytest.fixture
def remote(llama_server) -> RemoteBackend:
    backend = RemoteBackend(RemoteEngine("local server", llama_server.url), API_KEY)
    backend.load()
    return backend


def test_connecting_reads_the_model_and_tokenizer(remote):
    assert remote.info.name == MODEL_ALIAS and remote.info.remote_engine == "local server"
    assert remote.tokenize_route.endswith("/extras/tokenize/count")
    assert remote.count_tokens("Hello world") == 2


def test_chat_streams_through_the_server(remote):
    chunks: list[str] = []
    stats = remote.generate(
        GenerationRequest(messages=(ChatMessage("user", "Name three colours."),), max_tokens=16, sampler=SEEDED),
        chunks.append, threading.Event())
    assert len(chunks) > 3 and "".join(chunks).strip()
    assert stats.finish_reason in ("stop", "length") and stats.generated_tokens == len(chunks)


def test_continuation_uses_plain_completions(remote, llama_server):
    text, stats = run(remote, GenerationRequest(
        continuation=ContinuationSource("The old lighthouse stood at the edge of the cliff, and every night"),
        max_tokens=12, sampler=SEEDED))
    assert text.strip() and stats.generated_tokens > 0
    assert remote._completions_supported


def test_rewrite_through_the_server(remote):
    from app.core.rewrite import build_rewrite_messages, builtin_styles, clean_reply

    passage = "The meeting is moved to Friday because the room is not free."
    style = builtin_styles()[0]
    text, _ = run(remote, GenerationRequest(messages=build_rewrite_messages(passage, style, ""), max_tokens=40, sampler=SEEDED))
    assert clean_reply(text, passage).strip()


def test_stop_closes_the_stream_and_the_server_stops(remote, llama_server):
    cancel = threading.Event()
    chunks: list[str] = []

    def emit(text):
        chunks.append(text)
        if len(chunks) == 3:
            cancel.set()

    before = llama_server.output().count("Disconnected from client")
    stats = remote.generate(GenerationRequest(prompt="Once upon a time", max_tokens=1500, ignore_eos=True,
                                              sampler=SEEDED), emit, cancel)
    assert stats.finish_reason == "cancelled" and len(chunks) < 50
    deadline = time.monotonic() + 15
    while llama_server.output().count("Disconnected from client") == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert llama_server.output().count("Disconnected from client") > before
    # The server is free again at once: a short request is answered.
    text, _ = run(remote, GenerationRequest(prompt="Hello", max_tokens=2, sampler=SEEDED))
    assert text


def test_wrong_key_and_wrong_url(llama_server):
    with pytest.raises(RemoteError, match=r"refused the API key \(401\)"):
        RemoteBackend(RemoteEngine("x", llama_server.url), "not-the-key").load()
    with pytest.raises(RemoteError, match="Nothing answers at"):
        RemoteBackend(RemoteEngine("x", f"http://127.0.0.1:{free_port()}/v1"), API_KEY).load()
    with pytest.raises(RemoteError, match="answered 404"):
        RemoteBackend(RemoteEngine("x", llama_server.url.replace("/v1", "/wrong/v1")), API_KEY).load()


def test_killed_server_mid_reply_gives_the_interrupted_state(starter_model, tmp_path):
    server = LlamaServer(starter_model, tmp_path / "server.log", api_key=None)
    try:
        backend = RemoteBackend(RemoteEngine("doomed", server.url))
        backend.load()
        chunks: list[str] = []

        def emit(text):
            chunks.append(text)
            if len(chunks) == 5:
                server.kill()

        stats = backend.generate(GenerationRequest(prompt="Once upon a time", max_tokens=1500, ignore_eos=True,
                                                   sampler=SEEDED), emit, threading.Event())
        assert stats.finish_reason == "interrupted" and stats.error
        assert len(chunks) >= 5
        with pytest.raises(RemoteError, match="Nothing answers"):
            backend.generate(GenerationRequest(prompt="Again"), chunks.append, threading.Event())
    finally:
        server.stop()


# -- the command line ------------------------------------------------------------------------


def inkwell(tmp_path, *args, key: str | None = None):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if key is not None:
        env["INKWELL_TEST_KEY"] = key
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_cli_commands_use_a_remote_engine(llama_server, tmp_path):
    engine = ["--engine", llama_server.url, "--api-key-env", "INKWELL_TEST_KEY", "--seed", "3"]
    chat = inkwell(tmp_path, "chat", "Name a fruit.", "--max-tokens", "8", *engine, key=API_KEY)
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.strip() and f"[{MODEL_ALIAS}]" in chat.stderr

    draft = tmp_path / "draft.txt"
    draft.write_text("The lighthouse keeper climbed the stairs, and")
    cont = inkwell(tmp_path, "continue", str(draft), "--max-tokens", "8", *engine, key=API_KEY)
    assert cont.returncode == 0 and cont.stdout.strip(), cont.stderr

    passage = tmp_path / "passage.txt"
    passage.write_text("The meeting is moved to Friday.")
    rewrite = inkwell(tmp_path, "rewrite", str(passage), "--style", "Formal", *engine, key=API_KEY)
    assert rewrite.returncode == 0 and rewrite.stdout.strip(), rewrite.stderr


def test_cli_saved_engine_by_name_and_its_failures(llama_server, tmp_path):
    EngineList(tmp_path / "config").put(RemoteEngine("Team", llama_server.url, model=MODEL_ALIAS))
    by_name = inkwell(tmp_path, "chat", "Hi", "--max-tokens", "4", "--engine", "team",
                      "--api-key-env", "INKWELL_TEST_KEY", key=API_KEY)
    assert by_name.returncode == 0 and by_name.stdout.strip(), by_name.stderr

    wrong_key = inkwell(tmp_path, "chat", "Hi", "--engine", "Team", "--api-key-env", "INKWELL_TEST_KEY", key="nope")
    assert wrong_key.returncode == 2 and "refused the API key (401)" in wrong_key.stderr
    missing_var = inkwell(tmp_path, "chat", "Hi", "--engine", "Team", "--api-key-env", "INKWELL_NO_SUCH_VARIABLE")
    assert missing_var.returncode == 2 and "INKWELL_NO_SUCH_VARIABLE is not set" in missing_var.stderr
    wrong_model = inkwell(tmp_path, "chat", "Hi", "--engine", "Team", "--remote-model", "gpt-9",
                          "--api-key-env", "INKWELL_TEST_KEY", key=API_KEY)
    assert wrong_model.returncode == 2 and "no model named 'gpt-9'" in wrong_model.stderr
    nothing = inkwell(tmp_path, "chat", "Hi", "--engine", f"http://127.0.0.1:{free_port()}")
    assert nothing.returncode == 2 and "Nothing answers" in nothing.stderr


def test_bench_compares_the_remote_engine_with_the_local_one(llama_server, tmp_path):
    bench = inkwell(tmp_path, "bench", "--lengths", "8", "--repeats", "1", "--turns", "0", "--draft-words", "0", "--skip", "resume",
                    "--skip", "speculative", "--engine", llama_server.url, "--api-key-env", "INKWELL_TEST_KEY", key=API_KEY)
    assert bench.returncode == 0, bench.stderr
    assert f"Remote engine {llama_server.url} against the local engine" in bench.stdout
    rows = [line.split() for line in bench.stdout.splitlines() if line.startswith(("local ", "remote "))][:2]
    assert [row[0] for row in rows] == ["local", "remote"]
    assert all(float(value) > 0 for row in rows for value in row[1:3])  # first token and speed measured
