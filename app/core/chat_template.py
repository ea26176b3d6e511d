"""Chat prompts from the Jinja chat template a GGUF file carries, with a plain fallback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.core.generation import ChatMessage


class ChatTemplateError(ValueError):
    pass


@dataclass(frozen=True)
class ChatPrompt:
    text: str
    stop: tuple[str, ...]  # extra stop strings the format needs
    uses_fallback: bool  # True when the model has no (usable) template of its own


# Used for base models and templates that fail to render: simple role labels the model can
# follow, with the next label as a stop string so it does not write the user's turn itself.
_FALLBACK_LABELS = {"system": "System", "user": "User", "assistant": "Assistant"}
FALLBACK_STOPS = ("\nUser:", "\nSystem:")


def _raise_exception(message: str) -> None:
    raise ChatTemplateError(message)


@lru_cache(maxsize=8)
def _compile(template: str) -> jinja2.Template:
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env.from_string(template)


def render_fallback(messages: Sequence[ChatMessage]) -> str:
    lines = [f"{_FALLBACK_LABELS[m.role]}: {m.content.strip()}" for m in messages]
    lines.append("Assistant:")
    return "\n".join(lines)


def render_chat(
    messages: Sequence[ChatMessage],
    template: str | None,
    *,
    bos_token: str = "",
    eos_token: str = "",
) -> ChatPrompt:
    """The prompt for the next assistant turn. Templates that reject the conversation (some
    refuse a system message) get it merged into the first user message; a template that
    still fails to render falls back to plain labels rather than failing the request."""
    if template:
        attempts = [list(messages)]
        if messages and messages[0].role == "system":
            attempts.append(_merge_system_into_first_user(messages))
        for attempt in attempts:
            try:
                text = _compile(template).render(
                    messages=[{"role": m.role, "content": m.content} for m in attempt],
                    add_generation_prompt=True,
                    bos_token=bos_token,
                    eos_token=eos_token,
                )
            except (jinja2.TemplateError, ChatTemplateError, TypeError, ValueError):
                continue
            return ChatPrompt(text=text, stop=(), uses_fallback=False)
    return ChatPrompt(text=render_fallback(messages), stop=FALLBACK_STOPS, uses_fallback=True)


def _merge_system_into_first_user(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    system, rest = messages[0], list(messages[1:])
    for index, message in enumerate(rest):
        if message.role == "user":
            rest[index] = ChatMessage("user", f"{system.content}\n\n{message.content}")
            return rest
    return [ChatMessage("user", system.content), *rest]


def fit_messages(
    messages: Sequence[ChatMessage],
    count_tokens,
    budget: int,
) -> tuple[list[ChatMessage], int]:
    """Keeps the system prompt and the newest messages whose prompt fits ``budget`` tokens,
    leaving out the oldest turns first. ``count_tokens(messages)`` measures a candidate
    prompt. Returns the kept messages and how many were left out. The newest message is
    always kept, even when it alone is too long (the caller reports that)."""
    system = [m for m in messages[:1] if m.role == "system"]
    turns = list(messages[len(system) :])
    dropped = 0
    while len(turns) > 1 and count_tokens(system + turns) > budget:
        turns.pop(0)
        dropped += 1
    # A conversation should not open with a stray assistant reply after the cut.
    while len(turns) > 1 and turns[0].role == "assistant" and dropped:
        turns.pop(0)
        dropped += 1
    return system + turns, dropped
