"""The engine host gives every request a handle of its own (no model: a scripted backend)."""

from __future__ import annotations

import threading

import pytest

from app.core.generation import GenerationRequest, GenerationStats
from app.engine.backend import EngineError
from app.engine.generation import EngineJob, Generation
from app.engine.host import EngineHost
from app.engine.worker import EngineWorker


class ScriptedBackend:
    """Writes ``prompt`` back word by word; a prompt of "fail" fails, and one of "wait" waits
    until cancelled, writing "late" after the cancel."""

    def generate(self, request: GenerationRequest, emit, cancel: threading.Event) -> GenerationStats:
        if request.prompt == "fail":
            emit("half ")
            raise EngineError("the model broke")
        if request.prompt == "wait":
            emit("early ")
            cancel.wait(10)
            emit("late")
            return GenerationStats(request.request_id, "cancelled")
        words = request.prompt.split()
        for word in words:
            if cancel.is_set():
                return GenerationStats(request.request_id, "cancelled")
            emit(word + " ")
        return GenerationStats(request.request_id, "stop", generated_tokens=len(words))

    def unload(self) -> None:
        pass


@pytest.fixture
def host(qapp):
    host = EngineHost(worker=EngineWorker(ScriptedBackend))
    yield host
    host.shutdown()


class Heard:
    """Everything one handle said."""

    def __init__(self, generation: Generation) -> None:
        self.text, self.ends = "", []
        generation.listen(self._on_chunk, lambda stats: self.ends.append(("finished", stats)),
                          lambda message: self.ends.append(("failed", message)))

    def _on_chunk(self, text: str) -> None:
        self.text += text


def test_each_request_hears_only_its_own_results(qtbot, host):
    started: list[Generation] = []
    host.started.connect(started.append)
    first = host.generate(GenerationRequest(prompt="one two three"))
    second = host.generate(GenerationRequest(prompt="fail"))
    third = host.generate(GenerationRequest(prompt="four five"))
    assert started == [first, second, third]
    heard = [Heard(g) for g in (first, second, third)]
    qtbot.waitUntil(lambda: all(bool(h.ends) for h in heard), timeout=5000)
    qtbot.wait(50)  # nothing more arrives after the end
    assert [h.text for h in heard] == ["one two three ", "half ", "four five "]
    assert [[kind for kind, _ in h.ends] for h in heard] == [["finished"], ["failed"], ["finished"]]
    assert str(heard[1].ends[0][1]) == "the model broke"
    assert heard[0].ends[0][1].request_id == first.request_id
    assert all(g.ended for g in (first, second, third))
    assert host._generations == {}  # each handle forgotten after its one end


def test_cancel_stops_only_its_own_request(qtbot, host):
    waiting = host.generate(GenerationRequest(prompt="wait"))
    after = host.generate(GenerationRequest(prompt="six seven"))
    heard_waiting, heard_after = Heard(waiting), Heard(after)
    qtbot.waitUntil(lambda: heard_waiting.text == "early ", timeout=5000)
    waiting.cancel()
    qtbot.waitUntil(lambda: bool(heard_after.ends), timeout=5000)
    assert heard_waiting.ends[0][1].finish_reason == "cancelled"
    assert heard_after.ends[0][1].finish_reason == "stop" and heard_after.text == "six seven "


def test_an_abandoned_request_says_nothing_more_to_its_listener(qtbot, host):
    observed: list[str] = []
    host.started.connect(lambda generation: generation.finished.connect(lambda stats: observed.append(stats.finish_reason)))
    waiting = host.generate(GenerationRequest(prompt="wait"))
    heard = Heard(waiting)
    qtbot.waitUntil(lambda: heard.text == "early ", timeout=5000)
    waiting.abandon()
    qtbot.waitUntil(lambda: observed == ["cancelled"], timeout=5000)  # it still ends, for observers
    assert heard.text == "early " and heard.ends == []  # "late" and the end reached nobody who asked


def test_the_same_request_sent_twice_gets_two_handles(qtbot, host):
    request = GenerationRequest(prompt="again")
    first, second = host.generate(request), host.generate(request)
    assert first.request_id != second.request_id
    heard = [Heard(first), Heard(second)]
    qtbot.waitUntil(lambda: all(bool(h.ends) for h in heard), timeout=5000)
    assert [h.text for h in heard] == ["again ", "again "]


def test_a_job_on_the_engine_thread_answers_whoever_asked(qtbot, host):
    results, failures = [], []
    job = host.run_on_engine(lambda backend: type(backend).__name__)
    assert isinstance(job, EngineJob)
    job.listen(results.append, failures.append)
    broken = host.run_on_engine(lambda backend: 1 / 0).listen(results.append, failures.append)
    qtbot.waitUntil(lambda: len(results) + len(failures) == 2, timeout=5000)
    assert results == ["ScriptedBackend"]
    assert len(failures) == 1 and "division by zero" in str(failures[0])
    assert job.ended and broken.ended and host._jobs == {}


def test_the_host_broadcasts_no_results():
    for name in ("chunk", "finished", "failed", "job_done", "job_failed", "busy", "cancel"):
        assert not hasattr(EngineHost, name), name


def test_the_local_and_the_remote_backend_share_one_protocol():
    from app.core.remote import RemoteEngine
    from app.engine.backend import LlamaBackend
    from app.engine.protocol import Backend
    from app.engine.remote import RemoteBackend

    assert isinstance(LlamaBackend(), Backend)
    assert isinstance(RemoteBackend(RemoteEngine(name="s", base_url="http://127.0.0.1:9/v1"), ""), Backend)
