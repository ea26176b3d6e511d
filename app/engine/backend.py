"""llama.cpp behind a small interface: load a GGUF, stream a reply token by token.

Not thread-safe by design: exactly one thread (the engine thread, or the CLI's) uses it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

import llama_cpp
from app.core.alternatives import Alternative, Branch, TokenChoice, TokenTrail
from app.core.chat_template import check_template, render_chat, fit_messages
from app.core.generation import (
    TEMPLATE_ALLOWANCE,
    ChatMessage,
    GenerationRequest,
    GenerationStats,
    LoadParams,
    ModelInfo,
    prompt_budget,
)
from app.core.gguf import GGUFError, GGUFInfo, read_gguf
from app.core.textstream import StopMatcher, Utf8StreamDecoder
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable, joined, message_of
from app.core.hardware import available_memory_bytes, gpu_present, gpus, physical_cores
from app.core.offload import memory_needed, plan_offload
from app.core.speculation import DraftPolicy, NgramDrafter
from app.core.writing import build_continuation
from app.engine import kv_state, llama_build
from app.engine.decode import DecodeLoop, sampler_chain
from app.engine.llama_build import system_info
from app.engine.resume import SessionStates

# A runtime-dispatch build (the bundles') loads its CPU backend before anything asks llama.cpp
# what it can do.
llama_build.load_cpu_variants()

log = logging.getLogger(__name__)

DEFAULT_CONTEXT = 4096  # for a GGUF that does not say its trained length
AUTOMATIC_CONTEXT_LIMIT = 8192
KV_TYPES = {"f16": llama_cpp.GGML_TYPE_F16, "q8_0": llama_cpp.GGML_TYPE_Q8_0, "q4_0": llama_cpp.GGML_TYPE_Q4_0}
NO_GPU_BUILD_HINT = QT_TRANSLATE_NOOP(
    "Engine", "This computer has a GPU, but this llama.cpp was built without GPU support: "
    "run `make gpu` in Inkwell's folder to rebuild it with GPU support"
)



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


def backend_name() -> str:
    """The GPU backend this llama.cpp was built with, from its system info."""
    if not gpu_offload_supported():
        return "CPU"
    info = system_info().upper()
    for marker, name in (("CUDA", "CUDA"), ("METAL", "Metal"), ("MTL", "Metal"), ("VULKAN", "Vulkan")):
        if marker in info:
            return name
    return "GPU"


def backend_report() -> Translatable:
    """What this llama.cpp can use, in words, for the settings dialog (one line each)."""
    lines = [QT_TRANSLATE_NOOP("Engine", "llama.cpp backend: {backend}.").format(backend=backend_name())]
    if gpu_offload_supported():
        found = [QT_TRANSLATE_NOOP("Engine", "{name} ({size} free)").format(name=d.name, size=f"{d.free_bytes / 1e9:.1f} GB")
                 for d in gpus()]
        lines.append(QT_TRANSLATE_NOOP("Engine", "GPUs: {devices}").format(devices=joined(found, ", "))
                     if found else QT_TRANSLATE_NOOP("Engine", "No GPU answered; layers stay on the CPU."))
    else:
        lines.append(QT_TRANSLATE_NOOP("Engine", "This llama.cpp build has no GPU backend, so everything runs on the CPU."))
        if gpu_present():
            lines.append(QT_TRANSLATE_NOOP("Engine", "{sentence}.").format(sentence=NO_GPU_BUILD_HINT))
    cores = physical_cores()
    if cores == 1:
        lines.append(QT_TRANSLATE_NOOP("Engine", "CPU: 1 physical core. {info}").format(info=system_info()))
    else:
        lines.append(QT_TRANSLATE_NOOP("Engine", "CPU: {count} physical cores. {info}").format(count=cores, info=system_info()))
    return joined(lines)


def automatic_context(gguf: GGUFInfo, kv_type: str) -> int:
    """The model's trained length up to 8192 tokens, halved while model and cache would not
    fit in the memory that is free (RAM plus free VRAM)."""
    n_ctx = min(gguf.context_length or DEFAULT_CONTEXT, AUTOMATIC_CONTEXT_LIMIT)
    available = (available_memory_bytes() or 0) + sum(d.free_bytes for d in gpus())
    while available and n_ctx > 2048 and memory_needed(gguf, n_ctx, kv_type) > available:
        n_ctx //= 2
    return n_ctx


class _ChatFormatterLeftUnused:
    """Stands in for llama-cpp-python's Jinja2ChatFormatter while a model loads. Inkwell renders
    chat templates itself (app/core/chat_template.py, in a sandbox with a size and time limit)
    and never calls llama-cpp-python's chat handlers, but Llama() compiles every template in
    the GGUF, and Jinja's compiler folds constants: a template of `{{ 'A' * 2000000000 }}`
    builds its 2 GB string while loading."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def to_chat_handler(self):
        def unused(*args, **kwargs):
            raise EngineError("Inkwell renders chat templates itself; llama-cpp-python's handler is not used.")
        return unused


@contextlib.contextmanager
def _templates_left_to_inkwell():
    module = llama_cpp.llama_chat_format
    original = module.Jinja2ChatFormatter
    module.Jinja2ChatFormatter = _ChatFormatterLeftUnused
    try:
        yield
    finally:
        module.Jinja2ChatFormatter = original


class LlamaBackend:
    def __init__(self) -> None:
        self.llm: llama_cpp.Llama | None = None
        self.info: ModelInfo | None = None
        self._gguf: GGUFInfo | None = None
        self._params: LoadParams | None = None  # how the loaded model was loaded
        self._pieces: dict[int, bytes] = {}
        self._special_pieces: dict[int, bytes] = {}
        self._piece_buffer = ctypes.create_string_buffer(256)
        self._softmax_buffer: np.ndarray | None = None  # n_vocab floats, reused every step
        self._eog_ids: list[int] | None = None
        self._cancel: threading.Event | None = None
        # llama.cpp calls this between graph computations, so a long prompt evaluation
        # stops promptly when the current request is cancelled (set by the decode loop).
        self._abort_callback = llama_cpp.ggml_abort_callback(self._should_abort)
        # Each draft's and conversation's KV state, kept and restored (app/engine/resume.py).
        self.states = SessionStates()
        self._loop: DecodeLoop | None = None  # the loaded model's decode loop
        self._flash = False  # whether the loaded model uses flash attention

    # -- loading -------------------------------------------------------------------------

    def load(self, path: str | os.PathLike, params: LoadParams = LoadParams()) -> ModelInfo:
        _silence_llama_log()
        try:
            gguf = read_gguf(path)
        except GGUFError as error:
            raise EngineError(message_of(error)) from None
        quantized_kv = params.kv_cache_type != "f16"
        if quantized_kv and params.flash_attention == "off":
            raise EngineError(QT_TRANSLATE_NOOP(
                "Engine", "A {kv_type} KV cache needs flash attention. Set flash attention to "
                "Auto or On in Settings, or use the f16 KV cache.").format(kv_type=params.kv_cache_type))
        # A model that cannot be loaded leaves the one in use loaded: the checks above come
        # first, and when llama.cpp refuses the new one, the previous one is loaded again.
        previous = (self.info.path, self._params) if self.llm is not None and self.info is not None else None
        self.unload()  # its memory is wanted for the new one
        try:
            return self._open(gguf, params)
        except Exception:
            self.unload()  # whatever part of the new one was built
            if previous is not None:
                with contextlib.suppress(Exception):  # then none is loaded, and the caller sees it
                    self.load(*previous)
            raise

    def _open(self, gguf: GGUFInfo, params: LoadParams) -> ModelInfo:
        n_ctx_train = gguf.context_length or DEFAULT_CONTEXT
        n_ctx = max(256, min(params.n_ctx or automatic_context(gguf, params.kv_cache_type), n_ctx_train))
        threads = params.n_threads or physical_cores()
        supported = gpu_offload_supported()
        devices = gpus() if supported else []
        device = devices[0] if devices else None
        plan = plan_offload(
            gguf, n_ctx, params.gpu_offload, device.free_bytes if device else None,
            kv_type=params.kv_cache_type, gpu_backend=supported, device_name=device.name if device else "",
        )
        if not supported and gpu_present():
            plan = replace(plan, reason=QT_TRANSLATE_NOOP("Engine", "{reason}. {hint}").format(
                reason=plan.reason, hint=NO_GPU_BUILD_HINT))
        layers, note, fell_back = plan.layers, plan.reason, False
        while True:
            # llama.cpp's flash attention "auto" is not reachable through llama-cpp-python, and
            # Inkwell's auto turns it on: on a GPU it pays, a quantized KV cache needs it, and on
            # the CPU it was measured faster (starter model, 2 cores: 86 against 75 tok/s, prompt
            # 195 against 170 tok/s). With it, a drafted batch's attention is computed as a single
            # token's is (see app/engine/decode.py), which speculative drafting relies on.
            flash = params.flash_attention != "off"
            try:
                with _templates_left_to_inkwell():
                    llm = llama_cpp.Llama(
                        model_path=str(gguf.path),
                        n_ctx=n_ctx,
                        n_batch=params.n_batch,
                        n_gpu_layers=-1 if layers and layers >= plan.total_layers else layers,  # -1: the output too
                        n_threads=threads,
                        flash_attn=flash,
                        type_k=KV_TYPES[params.kv_cache_type],
                        type_v=KV_TYPES[params.kv_cache_type],
                        use_mmap=params.use_mmap,
                        verbose=False,
                    )
            except (ValueError, RuntimeError, OSError) as error:
                if layers > 0:
                    # Most often the GPU ran out of memory: try again with half the layers,
                    # and say so, rather than falling back silently.
                    fewer = layers // 2
                    note = QT_TRANSLATE_NOOP(
                        "Engine", "Loading with {layers} layers on the GPU failed ({error}); loaded with {fewer} instead."
                    ).format(layers=layers, error=str(error), fewer=fewer)
                    layers, fell_back = fewer, True
                    continue
                arch = gguf.architecture or "unknown"
                raise EngineError(QT_TRANSLATE_NOOP(
                    "Engine", "llama.cpp could not load '{name}' (architecture '{architecture}'). "
                    "The file looks like a valid GGUF, so this llama.cpp build may not support "
                    "that architecture yet, or there is not enough memory. Try a smaller or "
                    "more common model, or update Inkwell. ({error})"
                ).format(name=gguf.path.name, architecture=arch, error=str(error))) from None
            break
        self.llm, self._gguf, self._params = llm, gguf, params
        self._loop = DecodeLoop(llm, self._abort_callback)
        self._flash = flash
        saving = params.saved_state and bool(params.saved_state_dir)
        self.states.configure(params.saved_state_dir, saving, params.saved_state_disk_mb, SessionStates.key_for(
            str(gguf.path), gguf.data_offset, llm.n_ctx(), params.kv_cache_type, flash, layers) if saving else None)
        self._pieces.clear()
        self._special_pieces.clear()
        self._softmax_buffer = None
        self._eog_ids = None
        per_layer = plan.gpu_bytes / plan.layers if plan.layers else 0
        self.info = ModelInfo(
            path=str(gguf.path),
            # The file name is what people recognise; general.name is often a training-run label.
            name=gguf.path.stem,
            architecture=gguf.architecture or "unknown",
            n_ctx=llm.n_ctx(),
            n_ctx_train=n_ctx_train,
            has_chat_template=bool(gguf.chat_template),
            gpu_layers=layers,
            total_layers=plan.total_layers,
            gpu_offload_supported=supported,
            backend=backend_name(),
            gpu_name=device.name if device and layers else "",
            gpu_bytes=int(per_layer * layers),
            offload_note=note,
            offload_fell_back=fell_back,
            n_threads=threads,
            file_type=gguf.file_type,
            parameter_count=gguf.parameter_count,
            template_note=check_template(gguf.chat_template, bos_token=self._special_text(llm.token_bos()),
                                         eos_token=self._special_text(llm.token_eos())) or "",
            token_alternatives=True,
            token_branching=True,
        )
        return self.info

    def report(self) -> Translatable:
        return backend_report()

    def unload(self) -> None:
        if self.llm is not None:
            self.states.unload(self.llm)  # the current draft's or conversation's state is kept
            self.llm.close()
        self._loop = None
        self.llm, self.info, self._gguf, self._params = None, None, None, None

    # -- prompts -------------------------------------------------------------------------

    def _require_model(self) -> llama_cpp.Llama:
        if self.llm is None:
            raise EngineError(QT_TRANSLATE_NOOP("Engine", "No model is loaded. Open a GGUF model first."))
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

    def _shown_piece(self, token: int) -> bytes:
        """A candidate's bytes as a person should see them: a control token such as
        end-of-turn has no text of its own, so its name is shown (``<|im_end|>``)."""
        piece = self.piece(token)
        if piece:
            return piece
        cached = self._special_pieces.get(token)
        if cached is None:
            llm = self._require_model()
            size = llama_cpp.llama_token_to_piece(
                llm._model.vocab, token, self._piece_buffer, len(self._piece_buffer), 0, True
            )
            cached = self._piece_buffer.raw[: max(size, 0)]
            self._special_pieces[token] = cached
        return cached

    def step_candidates(self, token: int, count: int, temperature: float,
                        trail: TokenTrail, logits_index: int = -1) -> tuple[float, tuple[Alternative, ...]]:
        """The probability of ``token`` and the ``count`` most likely tokens at the step that
        just chose it: the model's distribution over the whole vocabulary with the request's
        temperature applied, before penalties and truncation (top-k, top-p, min-p).

        Reads the logits llama.cpp keeps for that step (``logits_index`` in the last batch,
        -1 for its last token) in place: a view, no copy, and never ``logits_all`` (which
        keeps n_ctx × n_vocab floats)."""
        llm = self._require_model()
        n_vocab = llm.n_vocab()
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, logits_index), shape=(n_vocab,))
        count = min(count, n_vocab)
        highest = float(logits.max())
        top = _top_indices(logits, highest, count)
        scale = 1.0 / temperature if temperature > 0 else 1.0  # greedy: the model's own distribution
        buffer = self._softmax_buffer
        if buffer is None or buffer.shape[0] != n_vocab:
            buffer = self._softmax_buffer = np.empty(n_vocab, dtype=np.float32)
        np.subtract(logits, highest, out=buffer)
        np.multiply(buffer, scale, out=buffer)
        np.exp(buffer, out=buffer)
        log_total = math.log(float(buffer.sum()))
        # In float64 from the logits, so that an unlikely candidate does not round to 0.
        chosen = np.append(top, token)
        probabilities = np.exp((logits[chosen].astype(np.float64) - highest) * scale - log_total).tolist()

        pending = trail.pending_bytes()
        piece, alternatives = self.piece, []
        for candidate, p in zip(top.tolist(), probabilities):
            shown = piece(candidate)
            text = (pending + shown).decode("utf-8", "replace") if shown else \
                self._shown_piece(candidate).decode("utf-8", "replace")
            alternatives.append(Alternative(text, candidate, p))
        return probabilities[-1], tuple(alternatives)

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
        """The request's sampler as llama-cpp-python's own ``Llama.generate()`` takes it: for the
        bench's baselines, which the engine's decode loop (decode.py) is measured against."""
        s = request.sampler
        kwargs = dict(
            temp=s.temperature,
            top_p=s.top_p,
            top_k=s.top_k,
            min_p=s.min_p,
            repeat_penalty=s.repeat_penalty,
            presence_penalty=s.presence_penalty,
            frequency_penalty=s.frequency_penalty,
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
        budget = prompt_budget(llm.n_ctx(), request.max_tokens)
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
        on_tokens: Callable[[list[TokenChoice]], None] | None = None,
    ) -> GenerationStats:
        """Streams the reply to ``emit`` and returns its statistics. Raises EngineError.

        With ``on_tokens``, every token's TokenChoice follows its text there, in batches
        (with ``request.alternatives`` candidates each)."""
        llm = self._require_model()
        started = time.perf_counter()
        tokens, template_stops, dropped, visible_from = self.request_tokens(request)
        branch = request.branch
        if branch is not None:
            self._check_branch(branch)
            tokens = [*tokens, *branch.kept, branch.token_id]
        n_ctx = llm.n_ctx()
        if len(tokens) >= n_ctx:
            raise EngineError(QT_TRANSLATE_NOOP(
                "Engine", "The message is too long for the model's context ({tokens} tokens, "
                "the context holds {context}). Shorten it or choose a larger context."
            ).format(tokens=len(tokens), context=n_ctx))
        # A branch's kept tokens and its new one count towards the reply's length.
        reply_so_far = branch.index + 1 if branch is not None else 0
        max_new = max(1, min(request.max_tokens - reply_so_far, n_ctx - len(tokens)))
        try:
            # Another draft's or conversation's state is kept and this one's brought back; a
            # conversation whose window moved is shifted rather than evaluated again.
            self.states.prepare(llm, request.cache_key, tokens, window_moved=bool(dropped or visible_from))
        except Exception:  # noqa: BLE001 - saved state is an optimisation: never a failed reply
            log.exception("Saved model state could not be prepared; the prompt is evaluated whole.")
            kv_state.clear(llm)
        seed = request.sampler.seed if request.sampler.seed is not None else \
            int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF
        chain = sampler_chain(llm, request.sampler, seed, self.eog_ids() if request.ignore_eos else ())
        # Drafting guesses from the prompt and the reply so far (app/core/speculation.py).
        # Without flash attention, llama.cpp computes a batch's attention differently from one
        # token's at any length, so a drafted run could tip a near tie: drafting is left out.
        drafting = request.speculative and self._flash
        drafter, policy = (NgramDrafter(tokens), DraftPolicy()) if drafting else (None, None)
        loop = self._loop

        decoder = Utf8StreamDecoder()
        stopper = StopMatcher((*template_stops, *request.stop))
        check_eog = not request.ignore_eos
        vocab = llm._model.vocab
        piece = self.piece
        finish = "length"
        generated = 0
        first_token_at: float | None = None
        # Token by token, only when asked: the text alone needs none of it.
        trail = TokenTrail(branch.index if branch is not None else 0) if on_tokens is not None else None
        candidates = max(0, request.alternatives)
        temperature = request.sampler.temperature
        sent = 0

        def send(text: str) -> None:
            nonlocal sent
            if text:
                sent += len(text)
                emit(text)
            released = trail.release(sent)
            if released:
                on_tokens(released)

        if branch is not None:
            # The kept tokens' bytes come first, so that a character they leave unfinished is
            # completed by the new token; then the new token's own text starts the reply.
            kept = [piece(token) for token in branch.kept]
            for kept_piece in kept:
                decoder.feed(kept_piece)
            if trail is not None:
                trail.prime(kept)
                send(stopper.feed(trail.add(branch.token_id, piece(branch.token_id), branch.p, branch.alternatives)))
            else:
                text = stopper.feed(decoder.feed(piece(branch.token_id)))
                if text:
                    emit(text)
        self._cancel = cancel
        cached = 0
        token_stream = None
        try:
            cached = loop.prefill(tokens)
            token_stream = loop.tokens(chain, drafter, policy, wanted=max_new)
            for token, logits_index in token_stream:
                if first_token_at is None:
                    first_token_at = time.perf_counter()
                if cancel.is_set():
                    finish = "cancelled"
                    break
                if check_eog and llama_cpp.llama_vocab_is_eog(vocab, token):
                    finish = "stop"
                    break
                generated += 1
                if trail is None:
                    text = stopper.feed(decoder.feed(piece(token)))
                    if text:
                        emit(text)
                else:
                    # Read before the next token is evaluated: llama.cpp's logits are this step's.
                    p, alternatives = (self.step_candidates(token, candidates, temperature, trail, logits_index)
                                       if candidates else (0.0, ()))
                    send(stopper.feed(trail.add(token, piece(token), p, alternatives)))
                if stopper.stopped:
                    finish = "stop"
                    break
                if generated >= max_new:
                    break
        except RuntimeError as error:
            if not cancel.is_set():
                raise EngineError(QT_TRANSLATE_NOOP("Engine", "llama.cpp stopped with an error: {error}").format(
                    error=str(error))) from None
            finish = "cancelled"  # the abort callback interrupted prompt evaluation
        finally:
            if token_stream is not None:
                token_stream.close()
            chain.close()
            self._cancel = None
            self.states.finished()
        if trail is None:
            tail = stopper.feed(decoder.flush()) + stopper.flush()
            if tail:
                emit(tail)
        else:
            send(stopper.feed(trail.flush()) + stopper.flush())
            rest = trail.finish(sent)
            if rest:
                on_tokens(rest)
        return GenerationStats.timed(
            request.request_id,
            finish,
            started=started,
            first_token_at=first_token_at,
            ended=time.perf_counter(),
            prompt_tokens=len(tokens),
            evaluated_tokens=len(tokens) - cached,
            generated_tokens=generated,
            cached_tokens=cached,
            dropped_messages=dropped,
            draft_visible_from=visible_from,
            drafted_tokens=policy.drafted if policy else 0,
            accepted_draft_tokens=policy.accepted if policy else 0,
        )

    def save_state(self) -> bool:
        """Between requests: keeps the current draft's or conversation's state."""
        return self.states.save_idle(self.llm)

    def clear_saved_state(self) -> int:
        """Forgets every saved state, in memory and on disk; the bytes freed on disk."""
        return self.states.clear()

    def _check_branch(self, branch: Branch) -> None:
        """A token id the model does not have would make llama.cpp read past its tables."""
        n_vocab = self._require_model().n_vocab()
        if not all(0 <= token < n_vocab for token in (*branch.kept, branch.token_id)):
            raise EngineError(QT_TRANSLATE_NOOP(
                "Engine", "This branch names tokens the loaded model does not have; it was made with another model."))


def _top_indices(logits: np.ndarray, highest: float, count: int) -> np.ndarray:
    """The indices of the ``count`` largest logits, largest first. Only the few logits near the
    highest are sorted: a window that widens until it holds ``count`` of them is cheaper than
    partitioning the whole vocabulary."""
    for window in (4.0, 16.0, 64.0):
        near = np.flatnonzero(logits >= highest - window)
        if near.size >= count:
            break
    else:  # a flat or a very peaked distribution: the whole vocabulary
        near = np.argpartition(logits, logits.size - count)[logits.size - count:]
    values = logits[near]
    if near.size > count:
        keep = np.argpartition(values, near.size - count)[near.size - count:]
        near, values = near[keep], values[keep]
    return near[np.argsort(values, kind="stable")[::-1]]
