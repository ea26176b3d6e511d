"""Plain data exchanged between the GUI, the CLI and the engine thread."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Literal

from app.core.alternatives import Branch
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable, joined

Role = Literal["system", "user", "assistant"]
FinishReason = Literal["stop", "length", "cancelled", "interrupted"]

# How a request ended, in words (the reply's statistics line), and the status a saved reply
# gets for it (a message's status also knows "streaming" and "error").
FINISH_LABELS: dict[str, Translatable] = {
    "stop": QT_TRANSLATE_NOOP("GenerationStats", "complete"),
    "length": QT_TRANSLATE_NOOP("GenerationStats", "stopped at the length limit"),
    "cancelled": QT_TRANSLATE_NOOP("GenerationStats", "stopped by you"),
    "interrupted": QT_TRANSLATE_NOOP("GenerationStats", "interrupted"),
}
MESSAGE_STATUS: dict[str, str] = {"stop": "complete", "length": "length", "cancelled": "cancelled", "interrupted": "interrupted"}

# Tokens a chat template adds around the messages (role headers, BOS): kept free when a draft
# is continued through a chat template, so that the fitted draft still fits once wrapped.
TEMPLATE_ALLOWANCE = 64

_request_ids = itertools.count(1)


def prompt_budget(n_ctx: int, max_tokens: int) -> int:
    """Tokens a prompt may take, for the local and the remote engine alike: the context less
    room for at least part of the reply (``max_tokens``, at most a quarter of the context)."""
    return n_ctx - min(max_tokens, n_ctx // 4)


def next_request_id() -> int:
    return next(_request_ids)


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class SamplerSettings:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    # DRY ("don't repeat yourself") penalises continuing a sequence already in the text;
    # a multiplier of 0 turns it off.
    dry_multiplier: float = 0.0
    dry_base: float = 1.75
    dry_allowed_length: int = 2
    dry_penalty_last_n: int = -1  # -1: the whole context
    seed: int | None = None  # None: a new random seed for every request




@dataclass(frozen=True)
class ContinuationSource:
    """A draft to continue: the engine builds the prompt, since fitting it to the context
    needs the model's tokenizer."""

    draft: str  # the text before the cursor
    memory: str = ""
    authors_note: str = ""
    mode: Literal["plain", "instruct"] = "plain"


@dataclass(frozen=True)
class GenerationRequest:
    """One of ``messages`` (chat, formatted with the model's chat template), ``prompt`` (raw
    text continued as is) or ``continuation`` (a draft, fitted to the context)."""

    messages: tuple[ChatMessage, ...] = ()
    prompt: str | None = None
    continuation: ContinuationSource | None = None
    # Continue an assistant reply: its text so far follows the chat prompt, and the model
    # carries on from there.
    assistant_prefix: str = ""
    max_tokens: int = 512
    sampler: SamplerSettings = field(default_factory=SamplerSettings)
    stop: tuple[str, ...] = ()
    ignore_eos: bool = False  # benchmarks: generate exactly max_tokens
    request_id: int = field(default_factory=next_request_id)
    # Keep the top N candidates of every generated token, with their probabilities; they come
    # on the Generation handle's ``tokens`` signal (app/core/alternatives.py). 0: none.
    alternatives: int = 0
    # Carry an earlier reply to this same request on from one of its tokens with another
    # (made by alternatives.branch_request); the text streamed starts with the new token.
    branch: Branch | None = None
    # Whose prompt this is ("document:<id>", "conversation:<id>"): the engine keeps the model's
    # state of each one when another comes, and restores it when it comes back. "": nobody's.
    cache_key: str = ""
    # Guess the next tokens from the prompt and check them in one batch (a rewrite copies much
    # of its passage); each token is still the one the sampler chooses (app/engine/decode.py).
    speculative: bool = False


@dataclass(frozen=True)
class GenerationStats:
    request_id: int
    finish_reason: FinishReason
    prompt_tokens: int = 0
    cached_tokens: int = 0
    generated_tokens: int = 0
    time_to_first_token: float = 0.0  # seconds from request start to the first sampled token
    prompt_tokens_per_second: float = 0.0  # over the tokens actually evaluated (not cached)
    tokens_per_second: float = 0.0  # generation speed after the first token
    total_seconds: float = 0.0
    dropped_messages: int = 0  # oldest messages left out so the prompt fits the context
    draft_visible_from: int = 0  # continuation: where in the draft the part the model saw begins
    # Why an "interrupted" reply ended early (a remote engine's connection dropped mid-stream):
    # the text that arrived is kept.
    error: str = ""
    # Why no token alternatives came although the request asked for them (a remote engine
    # that does not send probabilities), or "".
    alternatives_note: str = ""
    # Speculation: tokens guessed from the prompt and evaluated in a batch, and how many of
    # them the sampler kept.
    drafted_tokens: int = 0
    accepted_draft_tokens: int = 0

    @classmethod
    def timed(
        cls,
        request_id: int,
        finish_reason: FinishReason,
        *,
        started: float,
        first_token_at: float | None,
        ended: float,
        prompt_tokens: int,
        evaluated_tokens: int,
        generated_tokens: int,
        **rest: object,
    ) -> "GenerationStats":
        """Statistics from the moments a request started, gave its first token and ended."""
        ttft = (first_token_at or ended) - started
        gen_seconds = ended - first_token_at if first_token_at else 0.0
        return cls(
            request_id=request_id,
            finish_reason=finish_reason,
            prompt_tokens=prompt_tokens,
            generated_tokens=generated_tokens,
            time_to_first_token=ttft,
            prompt_tokens_per_second=evaluated_tokens / ttft if ttft > 0 else 0.0,
            tokens_per_second=(generated_tokens - 1) / gen_seconds if generated_tokens > 1 and gen_seconds > 0 else 0.0,
            total_seconds=ended - started,
            **rest,
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def summary(self) -> Translatable:
        """The line under a reply and after a CLI answer (English as a string; the window
        shows it translated)."""
        parts = [
            QT_TRANSLATE_NOOP("GenerationStats", "{tokens} tokens").format(tokens=self.generated_tokens),
            QT_TRANSLATE_NOOP("GenerationStats", "{speed} tok/s").format(speed=f"{self.tokens_per_second:.1f}"),
            QT_TRANSLATE_NOOP("GenerationStats", "first token {seconds} s").format(seconds=f"{self.time_to_first_token:.2f}"),
            QT_TRANSLATE_NOOP("GenerationStats", "prompt {prompt} ({cached} cached)").format(
                prompt=self.prompt_tokens, cached=self.cached_tokens),
            FINISH_LABELS[self.finish_reason],
        ]
        if self.dropped_messages:
            parts.append(QT_TRANSLATE_NOOP("GenerationStats", "{count} oldest messages left out to fit the context").format(
                count=self.dropped_messages))
        if self.drafted_tokens:
            parts.append(QT_TRANSLATE_NOOP("GenerationStats", "{kept} of {drafted} drafted tokens kept").format(
                kept=self.accepted_draft_tokens, drafted=self.drafted_tokens))
        return joined(parts, " · ")


@dataclass(frozen=True)
class LoadParams:
    """How to load a model; each default is "automatic" (see the settings' help texts)."""

    n_ctx: int = 0  # 0: min(trained length, 8192), halved while it does not fit in memory
    n_threads: int = 0  # 0: the physical cores
    n_batch: int = 512
    flash_attention: str = "auto"  # "auto" | "on" | "off"
    kv_cache_type: str = "f16"  # "f16" | "q8_0" | "q4_0"
    use_mmap: bool = True
    gpu_offload: str = "auto"  # "auto" | "all" | "off" | a number of layers
    # Saved model state (app/engine/resume.py): on or off, the most it may take on disk, and
    # its folder ("": none is kept; EngineHost fills in the app's own).
    saved_state: bool = True
    saved_state_disk_mb: int = 4096
    saved_state_dir: str = ""


@dataclass(frozen=True)
class ModelInfo:
    path: str
    name: str
    architecture: str
    n_ctx: int
    n_ctx_train: int
    has_chat_template: bool
    gpu_layers: int  # layers running on the GPU
    total_layers: int
    gpu_offload_supported: bool  # whether this llama.cpp build has a GPU backend
    backend: str = "CPU"  # "CPU", "CUDA", "Metal", "Vulkan"
    gpu_name: str = ""
    gpu_bytes: int = 0  # memory the offloaded layers use on the GPU (estimated)
    offload_note: str = ""  # why this many layers, in words
    offload_fell_back: bool = False  # fewer layers than planned went to the GPU: say so
    n_threads: int = 0
    file_type: str | None = None
    parameter_count: int = 0
    remote_engine: str = ""  # the remote engine's name, for a model served over HTTP
    # Why the model's own chat template is not used (too big, too slow, refused), or "".
    template_note: str = ""
    # Whether replies can carry token alternatives (a remote engine's server may still not
    # send them: GenerationStats.alternatives_note then says so), and be branched at a token.
    token_alternatives: bool = False
    token_branching: bool = False
