"""`inkwell bench --llama-server PATH`: Inkwell's stream against llama.cpp's own server, the same
model, prompt, thread count and sampler ("Chat (balanced)"), timed from outside as the text
arrives, runs alternating. ``native_ratio`` is Inkwell's tokens/s ÷ the server's.

Both generate exactly ``length`` tokens (end of generation suppressed). The server runs on a
free port of this computer (127.0.0.1) with one slot, and is stopped at the end.
`make llama-server` builds it from the llama.cpp Inkwell's wheel was built from.
"""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace

from app.core.generation import GenerationRequest, SamplerSettings
from app.core.samplers import builtin_presets, find_preset

NATIVE_PRESET = "Chat (balanced)"
PENALTY_WINDOW = 64  # what the engine's penalties look back at (llama-cpp-python's fixed window)
START_TIMEOUT_S = 120


class NativeServerError(Exception):
    """llama-server could not be started or answered wrongly; the message says how."""


def native_sampler() -> SamplerSettings:
    return replace(find_preset(builtin_presets(), NATIVE_PRESET).to_sampler(), seed=1234)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NativeServer:
    def __init__(self, binary: str, model: str, n_ctx: int, threads: int) -> None:
        """Starts ``binary`` (run_bench has checked that it exists) and waits until it answers."""
        self.port = _free_port()
        self.process = subprocess.Popen(
            [binary, "-m", model, "-c", str(n_ctx), "-t", str(threads), "-tb", str(threads), "-np", "1",
             "--host", "127.0.0.1", "--port", str(self.port), "--no-warmup"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NativeServerError(f"llama-server exited at start: {self.process.stderr.read()[-2000:]}")
            try:
                status, _ = self._request("GET", "/health")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        self.close()
        raise NativeServerError(f"llama-server did not answer within {START_TIMEOUT_S} s")

    def _request(self, method: str, path: str, body: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        connection.request(method, path, body=json.dumps(body) if body else None,
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response

    def stream(self, prompt: str, length: int, sampler: SamplerSettings) -> tuple[int, float, float]:
        """Generates ``length`` tokens; returns the count and when the first and last arrived."""
        body = {
            "prompt": prompt, "n_predict": length, "stream": True, "ignore_eos": True, "cache_prompt": False,
            "temperature": sampler.temperature, "top_k": sampler.top_k, "top_p": sampler.top_p,
            "min_p": sampler.min_p, "repeat_penalty": sampler.repeat_penalty, "repeat_last_n": PENALTY_WINDOW,
            "presence_penalty": sampler.presence_penalty, "frequency_penalty": sampler.frequency_penalty,
            "seed": sampler.seed,
        }
        status, response = self._request("POST", "/completion", body)
        if status != 200:
            raise NativeServerError(f"llama-server answered {status}: {response.read()[:500]!r}")
        first = last = 0.0
        count = 0
        for line in response:
            if not line.startswith(b"data: "):
                continue
            event = json.loads(line[6:])
            now = time.perf_counter()
            if event.get("content"):
                first = first or now
                last = now
            if event.get("stop"):
                count = int(event.get("tokens_predicted") or event.get("timings", {}).get("predicted_n") or 0)
                break
        return count, first, last

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _engine_stream(engine, prompt: str, length: int, sampler: SamplerSettings) -> tuple[int, float, float]:
    arrivals: list[float] = []
    request = GenerationRequest(prompt=prompt, max_tokens=length, sampler=sampler, ignore_eos=True)
    stats = engine.generate(request, lambda _text: arrivals.append(time.perf_counter()))
    return stats.generated_tokens, arrivals[0], arrivals[-1]


def _tps(count: int, first: float, last: float) -> float:
    return (count - 1) / (last - first) if count > 1 and last > first else 0.0


def measure_native(engine, binary: str, model: str, n_ctx: int, threads: int, prompt: str, length: int,
                   repeats: int, announce: Callable[[str], None]) -> dict:
    sampler = native_sampler()
    announce("llama-server: starting")
    server = NativeServer(binary, model, n_ctx, threads)
    try:
        server.stream(prompt, 8, sampler)  # warm-up
        speeds: dict[str, list[float]] = {"inkwell": [], "llama_server": []}
        for repeat in range(repeats):
            for name in (("inkwell", "llama_server") if repeat % 2 == 0 else ("llama_server", "inkwell")):
                announce(f"{length} tokens, {name}, run {repeat + 1} of {repeats}")
                if name == "inkwell":
                    speeds[name].append(_tps(*_engine_stream(engine, prompt, length, sampler)))
                else:
                    speeds[name].append(_tps(*server.stream(prompt, length, sampler)))
    finally:
        server.close()
    inkwell, native = statistics.median(speeds["inkwell"]), statistics.median(speeds["llama_server"])
    return {
        "baseline": "llama-server",
        "length": length,
        "sampler": NATIVE_PRESET,
        "inkwell_tps": inkwell,
        "llama_server_tps": native,
        "runs": {name: values for name, values in speeds.items()},
        "native_ratio": inkwell / native if native else 0.0,
    }


def step_count(repeats: int) -> int:
    return 1 + 2 * repeats
