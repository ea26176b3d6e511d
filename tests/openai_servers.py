"""OpenAI-compatible servers on 127.0.0.1 for the remote-engine tests: no internet.

* :class:`LlamaServer` runs llama-cpp-python's own server (``python -m llama_cpp.server``)
  on the starter model, in a child process the test can kill mid-reply.
* :class:`FakeOpenAI` is a threaded stand-in for what the real one cannot be made to do on
  cue: a context length in /props (llama.cpp) or /v1/models (vLLM), a server-side tokenizer,
  429 rate limits, a server that never answers, and a stream dropped mid-reply.
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

API_KEY = "inkwell-test-key"
MODEL_ALIAS = "smollm2-135m"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LlamaServer:
    def __init__(self, model: Path, log: Path, api_key: str | None = API_KEY, n_ctx: int = 2048) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.api_key = api_key
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS,
                   "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(n_ctx), "--n_threads", "1",
                   "--verbose", "false"]
        if api_key:
            command += ["--api_key", api_key]
        self.log = log
        self._log_file = log.open("wb")
        # The server prints "Disconnected from client" when a client closes a stream early.
        self.process = subprocess.Popen(command, stdout=self._log_file, stderr=subprocess.STDOUT,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._wait_ready()

    def _wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("llama_cpp.server exited: " + self.log.read_text(errors="replace")[-2000:])
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/docs", timeout=1).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("llama_cpp.server did not start within a minute")

    def kill(self) -> None:
        """Ends the server at once, as a crash or a pulled cable would."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log_file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class FakeOpenAI:
    """Switches: ``models`` (the /v1/models answer), ``props`` (None: no /props route),
    ``tokenize`` (whether /tokenize answers), ``fail_status`` with ``retry_after`` (every
    request answers that status), ``hang`` (accept, then never answer), ``drop_after`` (stream
    that many chunks, then close the connection without [DONE]), ``completions`` (whether
    /v1/completions exists), ``logprobs`` (whether a request for token probabilities gets
    them: OpenAI's chat form, or the completions form that vLLM uses; "refuse" answers 400).
    Every request is logged in ``requests`` as (method, path, body)."""

    def __init__(self) -> None:
        self.models: dict = {"object": "list", "data": [{"id": "fake-model", "object": "model"}]}
        self.props: dict | None = None
        self.tokenize = False
        self.fail_status: int | None = None
        self.retry_after: str | None = None
        self.hang = False
        self.drop_after: int | None = None
        self.completions = True
        self.logprobs: bool | str = True
        self.words = ["Once", " upon", " a", " time", " there", " was", " a", " lighthouse", "."]
        self.requests: list[tuple[str, str, dict | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _body(self) -> dict | None:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length)) if length else None

            def _json(self, status: int, data: object, headers: dict | None = None) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def _handle(self, method: str) -> None:
                body = self._body() if method == "POST" else None
                fake.requests.append((method, self.path, body))
                if fake.hang:
                    time.sleep(30)
                    return
                if fake.fail_status:
                    headers = {"Retry-After": fake.retry_after} if fake.retry_after else {}
                    self._json(fake.fail_status, {"error": {"message": "Too many requests, slow down"}}, headers)
                    return
                if fake.logprobs == "refuse" and body and "logprobs" in body:
                    self._json(400, {"error": {"message": "logprobs is not supported"}})
                    return
                if self.path == "/v1/models":
                    self._json(200, fake.models)
                elif self.path == "/props" and fake.props is not None:
                    self._json(200, fake.props)
                elif self.path == "/tokenize" and fake.tokenize and body:
                    self._json(200, {"tokens": list(range(len(body["content"].split())))})
                elif self.path == "/v1/chat/completions" or (self.path == "/v1/completions" and fake.completions):
                    self._stream(chat=self.path.endswith("chat/completions"), body=body or {})
                else:
                    self._json(404, {"detail": "Not Found"})

            def _stream(self, chat: bool, body: dict) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                words = fake.words[: body.get("max_tokens", len(fake.words))]
                for index, word in enumerate(words):
                    if fake.drop_after is not None and index == fake.drop_after:
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    choice = {"index": 0, "delta": {"content": word}} if chat else {"index": 0, "text": word}
                    if fake.logprobs is True and body.get("logprobs"):
                        choice["logprobs"] = fake.token_logprobs(word, chat, body)
                    self.wfile.write(f"data: {json.dumps({'choices': [choice]})}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(0.01)
                end = {"index": 0, "delta": {}, "finish_reason": "stop"} if chat else {"index": 0, "text": "", "finish_reason": "stop"}
                usage = {"prompt_tokens": 11, "completion_tokens": len(words)}
                self.wfile.write(f"data: {json.dumps({'choices': [end]})}\r\n\r\n".encode())
                self.wfile.write(f"data: {json.dumps({'choices': [], 'usage': usage})}\r\n\r\n".encode())
                self.wfile.write(b"data: [DONE]\r\n\r\n")
                self.wfile.flush()

            def do_GET(self) -> None:  # noqa: N802
                self._handle("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._handle("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def token_logprobs(word: str, chat: bool, body: dict) -> dict:
        """Each word is one token of probability 1/2, with runners-up of 1/4 and 1/8, sent out
        of order (a client sorts them)."""
        candidates = [(" else", 0.125), (word, 0.5), (" other", 0.25)]
        if chat:
            top = [{"token": text, "logprob": math.log(p), "bytes": list(text.encode())} for text, p in candidates]
            return {"content": [{"token": word, "logprob": math.log(0.5), "bytes": list(word.encode()),
                                 "top_logprobs": top[: body.get("top_logprobs", 0)]}]}
        top = dict(candidates[: body["logprobs"]])
        return {"tokens": [word], "token_logprobs": [math.log(0.5)], "top_logprobs": [{k: math.log(v) for k, v in top.items()}],
                "text_offset": [0]}

    def paths(self) -> list[str]:
        return [path for _method, path, _body in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
