"""Instant resume: which draft or conversation the KV cache holds, keeping its state when
another one's request comes, bringing it back when it returns (also after a restart), and
sliding a conversation's window by shifting the cache instead of evaluating it again.

Used by the llama backend on the engine thread, around each request's evaluation:
``prepare`` before it, ``finished`` after it; ``save_idle`` between requests; ``unload``
before the model goes. The states themselves live in app/core/state_cache.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import llama_cpp
from app.core.hardware import available_memory_bytes
from app.core.state_cache import DEFAULT_MEMORY_BUDGET, ModelFingerprint, SavedState, StateCache, StateKey
from app.engine import kv_state

log = logging.getLogger(__name__)

# A session's state is written to disk between requests at most this often; leaving it for
# another session, or unloading the model, always writes it.
RESAVE_INTERVAL_S = 60.0
CLOSE_TIMEOUT_S = 8.0  # waiting for writes when the model goes, at most


@dataclass(frozen=True)
class Prepared:
    """What ``prepare`` did before a request's evaluation."""

    restored: int = 0  # tokens brought back from a saved state (0: none)
    restored_from: str = ""  # "memory" or "disk"
    shifted: int = 0  # tokens moved back rather than evaluated when the window slid
    discarded: int = 0  # tokens taken out of the cache by that shift
    seconds: float = 0.0  # what keeping, restoring and shifting took


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    a_array, b_array = np.asarray(a), np.asarray(b)
    shortest = min(len(a_array), len(b_array))
    differs = np.flatnonzero(a_array[:shortest] != b_array[:shortest])
    return int(differs[0]) if len(differs) else shortest


def memory_budget() -> int:
    """States kept in memory: 512 MiB, or an eighth of the memory free when that is less."""
    available = available_memory_bytes()
    return min(DEFAULT_MEMORY_BUDGET, available // 8) if available else DEFAULT_MEMORY_BUDGET


class SessionStates:
    """The saved states of one loaded model, and whose tokens its KV cache holds now."""

    def __init__(self) -> None:
        self.cache: StateCache | None = None
        self.key: StateKey | None = None
        self.session = ""  # the draft or conversation the KV cache holds ("": none in particular)
        self._dirty = False  # the KV cache holds more than the session's newest saved state
        self._latest: SavedState | None = None  # that state, when it is not on disk yet
        self._saved_at: dict[str, float] = {}  # when each session was last written to disk
        self._prompt_length = 0  # of the last request's prompt
        self.last = Prepared()

    # -- set-up --------------------------------------------------------------------------

    def configure(self, folder: str, enabled: bool, disk_budget_mb: int, key: StateKey | None) -> None:
        """At each model load: the folder and budget from the load parameters, and the key of
        the model as loaded. Memory entries of other keys stay (switching models and back
        finds them) until the memory budget pushes them out."""
        self.session, self._dirty, self._latest, self.last = "", False, None, Prepared()
        self.key = key if enabled and folder else None
        if self.key is None:
            return
        disk_budget = max(0, disk_budget_mb) * 1024 * 1024
        if self.cache is None or self.cache.folder != Path(folder):
            if self.cache is not None:
                self.cache.close(CLOSE_TIMEOUT_S)
            self.cache = StateCache(Path(folder), disk_budget=disk_budget, memory_budget=memory_budget())
        else:
            self.cache.disk_budget = disk_budget

    @staticmethod
    def key_for(path: str, header_length: int, n_ctx: int, kv_type: str, flash_attention: bool,
                gpu_layers: int) -> StateKey | None:
        try:
            model = ModelFingerprint.of(path, header_length)
        except OSError as error:
            log.info("No saved state for %s: the file cannot be read (%s).", path, error)
            return None
        return StateKey(model, n_ctx, kv_type, flash_attention, gpu_layers, kv_state.state_format())

    @property
    def enabled(self) -> bool:
        return self.cache is not None and self.key is not None

    # -- around a request ----------------------------------------------------------------

    def prepare(self, llm: llama_cpp.Llama, session: str, tokens: Sequence[int], window_moved: bool) -> Prepared:
        """Before ``tokens`` are evaluated for ``session``: keeps the outgoing session's state,
        restores this one's when it holds more of the prompt than the cache does, and when
        the window moved (old turns left out), shifts the cache rather than evaluating the
        rest again."""
        started = time.perf_counter()
        if self.cache is not None:
            self.cache.busy()  # the disk waits until this request is over
        restored, source = 0, ""
        if session != self.session:
            self._keep_current(llm)
            self._dirty, self._latest = False, None
            restored, source = self._bring_back(llm, session, tokens)
            self.session = session
        self._prompt_length = len(tokens)
        held = kv_state.held_tokens(llm)
        if llm.n_tokens and kv_state.window_start(llm) > 0 and common_prefix(held, tokens) < llm.n_tokens - 1:
            # A sliding-window model's restored cache can only be continued at its end.
            kv_state.clear(llm)
        shifted = discarded = 0
        if window_moved and llm.n_tokens and kv_state.window_start(llm) == 0:
            shift = kv_state.plan_shift(kv_state.held_tokens(llm).copy(), tokens)
            if shift is not None and kv_state.apply_shift(llm, shift):
                shifted, discarded = shift.reuse, shift.discard
                self._dirty = True
        self.last = Prepared(restored, source, shifted, discarded, time.perf_counter() - started)
        return self.last

    def finished(self) -> None:
        """After a request: the cache holds this session's newest tokens."""
        if self.session:
            self._dirty = True
        if self.cache is not None:
            self.cache.idle()

    def save_idle(self, llm: llama_cpp.Llama | None) -> bool:
        """Between requests: keeps the current session's state (in memory, and on disk unless
        it was written within RESAVE_INTERVAL_S). True when a state was taken."""
        if llm is None or not self._dirty or kv_state.sliding_window(llm):
            return False  # a sliding-window model's state is taken when it is left (see _keep_current)
        recently = time.monotonic() - self._saved_at.get(self.session, -RESAVE_INTERVAL_S) < RESAVE_INTERVAL_S
        return self._keep_current(llm, persist=not recently)

    def unload(self, llm: llama_cpp.Llama | None) -> None:
        """Before the model goes: keeps the current state and waits (a little) for the disk."""
        if llm is not None:
            self._keep_current(llm)
        self.session, self._dirty, self._latest = "", False, None
        if self.cache is not None:
            self.cache.flush(CLOSE_TIMEOUT_S)

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close(CLOSE_TIMEOUT_S)
            self.cache = None

    def clear(self) -> int:
        """Forgets every saved state (Settings → Clear); the bytes freed on disk."""
        self._saved_at.clear()
        self._dirty = bool(self.session)  # the current one may be kept again
        return self.cache.clear() if self.cache is not None else 0

    def forget(self, session: str) -> None:
        if self.cache is not None:
            self.cache.forget(session)
        self._saved_at.pop(session, None)

    # -- inside --------------------------------------------------------------------------

    def _keep_current(self, llm: llama_cpp.Llama, persist: bool = True) -> bool:
        """Takes the session's state when the cache holds more than its newest one; with
        ``persist``, also writes the newest one to disk when it is only in memory."""
        if not self.session or not self.enabled:
            return False
        if self._dirty:
            self._dirty = False
            if kv_state.sliding_window(llm) and 0 < self._prompt_length < llm.n_tokens:
                # llama.cpp restores only the last window of sliding-window layers, so such a
                # state can only be continued at its end: it ends where the last prompt did,
                # which is where "continue again" and the next turn start from.
                kv_state.truncate(llm, self._prompt_length)
            taken = kv_state.snapshot(llm)
            if taken is None:
                return False
            self._latest = SavedState(self.session, *taken)
            self.cache.put(self.key, self._latest, persist=persist)
        elif persist and self._latest is not None:
            self.cache.put(self.key, self._latest)  # taken between requests, written now
        else:
            return False
        if persist:
            self._latest = None
            self._saved_at[self.session] = time.monotonic()
        return True

    def _bring_back(self, llm: llama_cpp.Llama, session: str, tokens: Sequence[int]) -> tuple[int, str]:
        if not session or not self.enabled:
            return 0, ""
        in_memory = self.cache.in_memory(self.key, session)
        saved = self.cache.get(self.key, session)
        if saved is None:
            return 0, ""
        wanted = common_prefix(saved.tokens, tokens)
        if wanted <= common_prefix(kv_state.held_tokens(llm), tokens):
            return 0, ""  # the cache already holds as much of this prompt
        if not kv_state.restore(llm, saved.tokens, saved.state):
            log.info("The saved state of %s was refused by llama.cpp; it is evaluated again.", session)
            self.cache.forget(session)
            return 0, ""
        if kv_state.window_start(llm) > 0 and wanted < len(saved.tokens) - 1:
            kv_state.clear(llm)  # a sliding-window model's state continues only at its end
            return 0, ""
        self._saved_at.setdefault(session, time.monotonic())
        return wanted, "memory" if in_memory else "disk"
