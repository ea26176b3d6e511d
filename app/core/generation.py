"""Plain data exchanged between the GUI, the CLI and the engine thread."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]
FinishReason = Literal["stop", "length", "cancelled"]

FINISH_LABELS: dict[str, str] = {
    "stop": "complete",
    "length": "stopped at the length limit",
    "cancelled": "stopped by you",
}

_request_ids = itertools.count(1)


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
    seed: int | None = None  # None: a new random seed for every request


# Story continuation: livelier than chat, still held back from repeating itself.
CREATIVE = SamplerSettings(temperature=0.9, top_p=0.95, top_k=60, min_p=0.05, repeat_penalty=1.1)
# Rewriting: follow the instruction closely rather than wander.
PRECISE = SamplerSettings(temperature=0.3, top_p=0.9, top_k=40, min_p=0.05, repeat_penalty=1.05)


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

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def summary(self) -> str:
        parts = [
            f"{self.generated_tokens} tokens",
            f"{self.tokens_per_second:.1f} tok/s",
            f"first token {self.time_to_first_token:.2f} s",
            f"prompt {self.prompt_tokens} ({self.cached_tokens} cached)",
            FINISH_LABELS[self.finish_reason],
        ]
        if self.dropped_messages:
            parts.append(f"{self.dropped_messages} oldest messages left out to fit the context")
        return " · ".join(parts)


@dataclass(frozen=True)
class LoadParams:
    n_ctx: int = 4096  # capped by the model's trained context length
    n_gpu_layers: int = 0
    n_threads: int | None = None
    n_batch: int = 512


@dataclass(frozen=True)
class ModelInfo:
    path: str
    name: str
    architecture: str
    n_ctx: int
    n_ctx_train: int
    has_chat_template: bool
    n_gpu_layers: int
    gpu_offload_supported: bool
    file_type: str | None = None
    parameter_count: int = 0
