"""llama.cpp behind a small interface: load a GGUF, stream a reply token by token.

Not thread-safe by design: exactly one thread (the engine thread, or the CLI's) uses it.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Callable

import numpy as np

import llama_cpp
from app.core.chat_template import render_chat, fit_messages
from app.core.generation import (
    ChatMessage,
    GenerationRequest,
    GenerationStats,
    LoadParams,
    ModelInfo,
)
from app.core.gguf import GGUFError, GGUFInfo, read_gguf
from app.core.textstream import StopMatcher, Utf8StreamDecoder
from app.core.writing import build_continuation

# Tokens a chat template adds around the messages (role headers, BOS): kept free in
# instruct-mode continuations so the fitted draft still fits once wrapped.
TEMPLATE_ALLOWANCE = 64


class EngineError(Exception):
    """A failure described for a person: what went wrong and what to do."""


_llama_log_silenced = False


def _silence_llama_log() -> None:
    """llama.cpp logs every load step to stderr; Inkwell reports problems itself."""
    global _llama_log_silenced
    if _llama_log_silenced or os.environ.get("INKWELL_LLAMA_LOG"):
        return

    @llama_cpp.llama_log_callback
    def _discard(level, text, user_data):  # noqa: ARG001
        return None

    # Kept on the module so ctypes does not free the callback while llama.cpp holds it.
    globals()["_log_callback_ref"] = _discard
    llama_cpp.llama_log_set(_discard, ctypes.c_void_p(0))
    _llama_log_silenced = True


def gpu_offload_supported() -> bool:
    return bool(llama_cpp.llama_supports_gpu_offload())


def system_info() -> str:
    return llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()


class LlamaBackend:
    def __init__(self) -> None:
        self.llm: llama_cpp.Llama | None = None
        self.info: ModelInfo | None = None
        self._gguf: GGUFInfo | None = None
        self._pieces: dict[int, bytes] = {}
        self._piece_buffer = ctypes.create_string_buffer(256)
        self._eog_ids: list[int] | None = None
        self._cancel: threading.Event | None = None
        # llama.cpp calls this between graph computations, so a long prompt evaluation
        # stops promptly when the current request is cancelled.
        self._abort_callback = llama_cpp.ggml_abort_callback(self._should_abort)

    # -- loading -------------------------------------------------------------------------

    def load(self, path: str | os.PathLike, params: LoadParams = LoadParams()) -> ModelInfo:
        _silence_llama_log()
        try:
            gguf = read_gguf(path)
        except GGUFError as error:
            raise EngineError(str(error)) from None
        self.unload()
        n_ctx_train = gguf.context_length or params.n_ctx
        n_ctx = max(256, min(params.n_ctx, n_ctx_train))
        try:
            llm = llama_cpp.Llama(
                model_path=str(gguf.path),
                n_ctx=n_ctx,
                n_batch=params.n_batch,
                n_gpu_layers=params.n_gpu_layers,
                n_threads=params.n_threads,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as error:
            arch = gguf.architecture or "unknown"
            raise EngineError(
                f"llama.cpp could not load '{gguf.path.name}' (architecture '{arch}'). "
                "The file looks like a valid GGUF, so this llama.cpp build may not support "
                "that architecture yet, or there is not enough memory. Try a smaller or "
                f"more common model, or update Inkwell. ({error})"
            ) from None
        llama_cpp.llama_set_abort_callback(llm._ctx.ctx, self._abort_callback, None)
        self.llm, self._gguf = llm, gguf
        self._pieces.clear()
        self._eog_ids = None
        self.info = ModelInfo(
            path=str(gguf.path),
            # The file name is what people recognise; general.name is often a training-run label.
            name=gguf.path.stem,
            architecture=gguf.architecture or "unknown",
            n_ctx=llm.n_ctx(),
            n_ctx_train=n_ctx_train,
            has_chat_template=bool(gguf.chat_template),
            n_gpu_layers=params.n_gpu_layers if gpu_offload_supported() else 0,
            gpu_offload_supported=gpu_offload_supported(),
            file_type=gguf.file_type,
            parameter_count=gguf.parameter_count,
        )
        return self.info

    def unload(self) -> None:
        if self.llm is not None:
            self.llm.close()
        self.llm, self.info, self._gguf = None, None, None

    # -- prompts -------------------------------------------------------------------------

    def _require_model(self) -> llama_cpp.Llama:
        if self.llm is None:
            raise EngineError("No model is loaded. Open a GGUF model first.")
        return self.llm

    def _special_text(self, token_id: int) -> str:
        if token_id < 0:
            return ""
        return self._require_model().detokenize([token_id], special=True).decode("utf-8", "replace")

    def tokenize_prompt(self, text: str) -> list[int]:
        llm = self._require_model()
        bos = self._special_text(llm.token_bos())
        # A template that writes the BOS token itself must not get a second one.
        add_special = not (bos and text.startswith(bos))
        return llm.tokenize(text.encode("utf-8"), add_bos=add_special, special=True)

    def chat_prompt_tokens(
        self, messages: tuple[ChatMessage, ...], budget: int, assistant_prefix: str = ""
    ) -> tuple[list[int], tuple[str, ...], int, bool]:
        """Tokens of the chat prompt that fits ``budget``, the template's stop strings, the
        number of oldest messages left out, and whether the plain fallback format was used."""
        llm = self._require_model()
        template = self._gguf.chat_template if self._gguf else None
        bos, eos = self._special_text(llm.token_bos()), self._special_text(llm.token_eos())

        measured: dict[int, tuple] = {}  # prompts measured while fitting, by message count

        def measure(candidate) -> int:
            prompt = render_chat(candidate, template, bos_token=bos, eos_token=eos)
            tokens = self.tokenize_prompt(prompt.text + assistant_prefix)
            measured[len(candidate)] = (prompt, tokens)
            return len(tokens)

        kept, dropped = fit_messages(messages, measure, budget)
        if len(kept) not in measured:
            measure(kept)
        prompt, tokens = measured[len(kept)]
        return tokens, prompt.stop, dropped, prompt.uses_fallback

    # -- generation ----------------------------------------------------------------------

    def _should_abort(self, _data) -> bool:
        cancel = self._cancel
        return bool(cancel is not None and cancel.is_set())

    def piece(self, token: int) -> bytes:
        """The bytes of one token, cached: a vocabulary is small and pieces never change."""
        cached = self._pieces.get(token)
        if cached is None:
            llm = self._require_model()
            size = llama_cpp.llama_token_to_piece(
                llm._model.vocab, token, self._piece_buffer, len(self._piece_buffer), 0, False
            )
            cached = self._piece_buffer.raw[: max(size, 0)]
            self._pieces[token] = cached
        return cached

    def eog_ids(self) -> list[int]:
        if self._eog_ids is None:
            llm = self._require_model()
            vocab = llm._model.vocab
            self._eog_ids = [t for t in range(llm.n_vocab()) if llama_cpp.llama_vocab_is_eog(vocab, t)]
        return self._eog_ids

    def eos_suppressor(self) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        eog = np.array(self.eog_ids(), dtype=np.intc)

        def suppress(_input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
            scores[eog] = -np.inf
            return scores

        return suppress

    def sampling_kwargs(self, request: GenerationRequest) -> dict:
        s = request.sampler
        kwargs = dict(
            temp=s.temperature,
            top_p=s.top_p,
            top_k=s.top_k,
            min_p=s.min_p,
            repeat_penalty=s.repeat_penalty,
        )
        if request.ignore_eos:
            kwargs["logits_processor"] = llama_cpp.LogitsProcessorList([self.eos_suppressor()])
        return kwargs

    def request_tokens(self, request: GenerationRequest) -> tuple[list[int], tuple[str, ...], int, int]:
        """The prompt's tokens, its stop strings, how many messages were left out and, for a
        continuation, where in the draft the part the model sees begins."""
        llm = self._require_model()
        if request.prompt is not None:
            return self.tokenize_prompt(request.prompt), (), 0, 0
        # Leave room for at least part of the reply: a quarter of the context or max_tokens.
        budget = llm.n_ctx() - min(request.max_tokens, llm.n_ctx() // 4)
        if request.continuation is not None:
            return self._continuation_tokens(request.continuation, budget)
        tokens, stops, dropped, _ = self.chat_prompt_tokens(request.messages, budget, request.assistant_prefix)
        return tokens, stops, dropped, 0

    def _continuation_tokens(self, source, budget: int) -> tuple[list[int], tuple[str, ...], int, int]:
        instruct = source.mode == "instruct" and self._gguf is not None and bool(self._gguf.chat_template)
        built = build_continuation(
            source.draft,
            # The chat template's own tokens (role headers) come on top in instruct mode.
            budget_tokens=budget - (TEMPLATE_ALLOWANCE if instruct else 0),
            count_tokens=lambda text: len(self._require_model().tokenize(text.encode("utf-8"), add_bos=False, special=False)),
            memory=source.memory,
            authors_note=source.authors_note,
            mode="instruct" if instruct else "plain",
        )
        if instruct:
            tokens, stops, _, _ = self.chat_prompt_tokens(built.messages, budget)
            return tokens, stops, 0, built.visible_start
        return self.tokenize_prompt(built.prompt or ""), (), 0, built.visible_start

    def generate(
        self,
        request: GenerationRequest,
        emit: Callable[[str], None],
        cancel: threading.Event,
    ) -> GenerationStats:
        """Streams the reply to ``emit`` and returns its statistics. Raises EngineError."""
        llm = self._require_model()
        started = time.perf_counter()
        tokens, template_stops, dropped, visible_from = self.request_tokens(request)
        n_ctx = llm.n_ctx()
        if len(tokens) >= n_ctx:
            raise EngineError(
                f"The message is too long for the model's context ({len(tokens)} tokens, "
                f"the context holds {n_ctx}). Shorten it or choose a larger context."
            )
        max_new = max(1, min(request.max_tokens, n_ctx - len(tokens)))
        cached = _common_prefix(llm.input_ids[: llm.n_tokens], tokens)
        if request.sampler.seed is not None:
            llm.set_seed(request.sampler.seed)
        else:
            llm.set_seed(int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF)

        decoder = Utf8StreamDecoder()
        stopper = StopMatcher((*template_stops, *request.stop))
        check_eog = not request.ignore_eos
        vocab = llm._model.vocab
        piece = self.piece
        finish = "length"
        generated = 0
        first_token_at: float | None = None
        self._cancel = cancel
        token_stream = llm.generate(tokens, **self.sampling_kwargs(request))
        try:
            for token in token_stream:
                if first_token_at is None:
                    first_token_at = time.perf_counter()
                if cancel.is_set():
                    finish = "cancelled"
                    break
                if check_eog and llama_cpp.llama_vocab_is_eog(vocab, token):
                    finish = "stop"
                    break
                generated += 1
                text = stopper.feed(decoder.feed(piece(token)))
                if text:
                    emit(text)
                if stopper.stopped:
                    finish = "stop"
                    break
                if generated >= max_new:
                    break
        except RuntimeError as error:
            if not cancel.is_set():
                raise EngineError(f"llama.cpp stopped with an error: {error}") from None
            finish = "cancelled"  # the abort callback interrupted prompt evaluation
        finally:
            token_stream.close()
            self._cancel = None
        tail = stopper.feed(decoder.flush()) + stopper.flush()
        if tail:
            emit(tail)
        ended = time.perf_counter()
        ttft = (first_token_at or ended) - started
        evaluated = len(tokens) - cached
        gen_seconds = ended - first_token_at if first_token_at else 0.0
        return GenerationStats(
            request_id=request.request_id,
            finish_reason=finish,
            prompt_tokens=len(tokens),
            cached_tokens=cached,
            generated_tokens=generated,
            time_to_first_token=ttft,
            prompt_tokens_per_second=evaluated / ttft if ttft > 0 else 0.0,
            tokens_per_second=(generated - 1) / gen_seconds if generated > 1 and gen_seconds > 0 else 0.0,
            total_seconds=ended - started,
            dropped_messages=dropped,
            draft_visible_from=visible_from,
        )


def _common_prefix(a, b) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n
