"""llama.cpp's side of saved state: the KV cache of the one sequence a ``llama_cpp.Llama``
uses, copied out as raw bytes and back in, and shifted when a conversation's oldest turns
leave the window.

llama-cpp-python evaluates everything as sequence 0 at positions 0, 1, 2, … and remembers
the tokens it evaluated in ``input_ids[:n_tokens]``; every function here keeps that list and
the KV cache in step, so ``Llama.generate`` then reuses the longest common prefix as usual.
Nothing here pickles a ``LlamaState``: the state is ``llama_state_seq_get_data``'s bytes,
and the token list is our own.
"""

from __future__ import annotations

import array
import ctypes
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import llama_cpp

SEQ = 0  # the sequence llama-cpp-python's batches use
# A shift is worth its approximation only when it saves evaluating at least this many tokens.
MIN_SHIFT_REUSE = 16


def state_format() -> str:
    """What decides whether bytes saved by one llama.cpp can be read by another: its sequence
    state format and session format versions, and the library's version (which pins the
    llama.cpp it was built from)."""
    return (f"seq{llama_cpp.LLAMA_STATE_SEQ_VERSION}-session{llama_cpp.LLAMA_SESSION_VERSION}"
            f"-llama-cpp-python{llama_cpp.__version__}")


def _memory(llm: llama_cpp.Llama):
    return llama_cpp.llama_get_memory(llm._ctx.ctx)


def held_tokens(llm: llama_cpp.Llama) -> np.ndarray:
    """The tokens the KV cache holds, in position order (a view: copy it to keep it)."""
    return llm.input_ids[: llm.n_tokens]


def snapshot(llm: llama_cpp.Llama) -> tuple[array.array, bytearray] | None:
    """The tokens the sequence holds and its state's bytes; None when it holds nothing or
    llama.cpp would not copy it. One copy of the state is made, into a bytearray."""
    n_tokens = llm.n_tokens
    if n_tokens <= 0:
        return None
    ctx, memory = llm._ctx.ctx, _memory(llm)
    # A prompt evaluation stopped half-way (Stop, the abort callback) can leave cells past
    # n_tokens behind; the state must hold exactly the tokens we list.
    llama_cpp.llama_memory_seq_rm(memory, SEQ, n_tokens, -1)
    # (A sliding-window model's memory may start later than 0: see window_start.)
    if llama_cpp.llama_memory_seq_pos_min(memory, SEQ) < 0 or llama_cpp.llama_memory_seq_pos_max(memory, SEQ) != n_tokens - 1:
        return None
    size = llama_cpp.llama_state_seq_get_size(ctx, SEQ)
    if size <= 0:
        return None
    state = bytearray(size)
    target = (ctypes.c_uint8 * size).from_buffer(state)
    written = llama_cpp.llama_state_seq_get_data(ctx, target, size, SEQ)
    del target  # the bytearray cannot be resized while a ctypes array shares its memory
    if written <= 0 or written > size:
        return None
    if written < size:
        del state[written:]
    tokens = array.array("i")
    tokens.frombytes(np.ascontiguousarray(llm.input_ids[:n_tokens], dtype=np.int32).tobytes())
    return tokens, state


def restore(llm: llama_cpp.Llama, tokens: Sequence[int], state: bytes | bytearray) -> bool:
    """Puts a state saved by ``snapshot`` back as the sequence's whole content. False (and
    an empty cache) when llama.cpp refuses it or it does not hold exactly ``tokens``."""
    count = len(tokens)
    if count <= 0 or count > llm.n_ctx() or not state:
        return False
    ctx, memory = llm._ctx.ctx, _memory(llm)
    clear(llm)
    if isinstance(state, bytearray):
        source = (ctypes.c_uint8 * len(state)).from_buffer(state)
    else:
        source = ctypes.cast(ctypes.c_char_p(state), ctypes.POINTER(ctypes.c_uint8))
    read = llama_cpp.llama_state_seq_set_data(ctx, source, len(state), SEQ)
    del source
    if read != len(state) or llama_cpp.llama_memory_seq_pos_min(memory, SEQ) < 0 \
            or llama_cpp.llama_memory_seq_pos_max(memory, SEQ) != count - 1:
        clear(llm)
        return False
    llm.input_ids[:count] = np.asarray(tokens, dtype=np.intc)
    llm.n_tokens = count
    # The logits of the last token are not part of a sequence's state: Llama.generate
    # evaluates that token again before it samples.
    llm._requires_eval = True
    return True


def window_start(llm: llama_cpp.Llama) -> int:
    """The first position the memory still holds for every layer: 0, except for a model with
    sliding-window attention whose state was restored (llama.cpp reads back only the last
    window of its sliding-window layers). From such a cache only the end may be continued:
    going back to an earlier token would leave those layers without the window it needs."""
    return max(0, llama_cpp.llama_memory_seq_pos_min(_memory(llm), SEQ))


def sliding_window(llm: llama_cpp.Llama) -> int:
    """The model's attention window in its sliding-window layers (Gemma 2 and 3); 0: none."""
    return max(0, int(llama_cpp.llama_model_n_swa(llm._model.model)))


def truncate(llm: llama_cpp.Llama, count: int) -> None:
    """Keeps only the first ``count`` tokens."""
    if 0 <= count < llm.n_tokens:
        llama_cpp.llama_memory_seq_rm(_memory(llm), SEQ, count, -1)
        llm.n_tokens = count
        llm._requires_eval = True


def clear(llm: llama_cpp.Llama) -> None:
    """Empties the sequence and llama-cpp-python's record of it."""
    llama_cpp.llama_memory_seq_rm(_memory(llm), SEQ, -1, -1)
    llm.n_tokens = 0
    llm._requires_eval = True


def can_shift(llm: llama_cpp.Llama) -> bool:
    """Whether the model's memory lets positions be moved (not for recurrent models, nor for
    position encodings llama.cpp cannot shift)."""
    return bool(llama_cpp.llama_memory_can_shift(_memory(llm)))


@dataclass(frozen=True)
class Shift:
    """How the cache becomes the new prompt's start: the first ``keep`` tokens stay, the
    ``discard`` after them go, and the ``reuse`` after those move back by ``discard``
    positions (whatever follows them goes too)."""

    keep: int
    discard: int
    reuse: int


def plan_shift(held: Sequence[int], prompt: Sequence[int], minimum: int = MIN_SHIFT_REUSE) -> Shift | None:
    """Where ``prompt`` is ``held`` with a stretch after a common start taken out (a
    conversation whose oldest turns left the window): the Shift that reuses the most of the
    rest; None when the common prefix already covers it or less than ``minimum`` would be
    reused."""
    held_array = np.asarray(held, dtype=np.int64)
    prompt_array = np.asarray(prompt, dtype=np.int64)
    shortest = min(len(held_array), len(prompt_array))
    differs = np.flatnonzero(held_array[:shortest] != prompt_array[:shortest])
    keep = int(differs[0]) if len(differs) else shortest
    if keep == 0 or keep >= len(prompt_array) or keep >= len(held_array):
        return None  # nothing in common to keep, or nothing after it to reuse
    wanted = prompt_array[keep:]
    best: Shift | None = None
    for start in np.flatnonzero(held_array[keep + 1:] == wanted[0]) + keep + 1:
        start = int(start)
        length = min(len(held_array) - start, len(wanted))
        if best is not None and length <= best.reuse:
            break  # later starts only leave less to reuse
        mismatch = np.flatnonzero(held_array[start: start + length] != wanted[:length])
        reuse = int(mismatch[0]) if len(mismatch) else length
        if reuse >= minimum and (best is None or reuse > best.reuse):
            best = Shift(keep, start - keep, reuse)
    return best


def apply_shift(llm: llama_cpp.Llama, shift: Shift) -> bool:
    """Makes the cache hold ``held[:keep] + held[keep+discard : keep+discard+reuse]`` at
    positions 0, 1, 2, …: the reused tokens' cells are moved, not evaluated again (their keys
    are rotated to the new positions; what they computed from the tokens taken out stays in
    them). False, with the cache cut back to the kept start, when llama.cpp refuses."""
    n_tokens = llm.n_tokens
    end = shift.keep + shift.discard + shift.reuse
    if shift.discard <= 0 or end > n_tokens or not can_shift(llm):
        return False
    memory = _memory(llm)
    if not llama_cpp.llama_memory_seq_rm(memory, SEQ, end, -1):
        return False
    if not llama_cpp.llama_memory_seq_rm(memory, SEQ, shift.keep, shift.keep + shift.discard):
        llama_cpp.llama_memory_seq_rm(memory, SEQ, shift.keep, -1)
        llm.n_tokens = shift.keep
        llm._requires_eval = True
        return False
    llama_cpp.llama_memory_seq_add(memory, SEQ, shift.keep + shift.discard, end, -shift.discard)
    ids = llm.input_ids
    ids[shift.keep: shift.keep + shift.reuse] = ids[shift.keep + shift.discard: end].copy()
    llm.n_tokens = shift.keep + shift.reuse
    llm._requires_eval = True
    return True
