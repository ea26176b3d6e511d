"""Splitting a reply into what the chat view shows differently: reasoning, prose and code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name, guess_lexer
from pygments.util import ClassNotFound

_THINK_OPEN = "<think>"
_THINK_CLOSE = "</think>"


@dataclass(frozen=True)
class Reasoning:
    text: str  # what the model wrote between <think> and </think>
    finished: bool  # False while the model is still thinking (no closing tag yet)


def split_reasoning(text: str) -> tuple[Reasoning | None, str]:
    """A reasoning model's ``<think>…</think>`` section, and the answer after it."""
    stripped = text.lstrip()
    if not stripped.startswith(_THINK_OPEN):
        return None, text
    body = stripped[len(_THINK_OPEN) :]
    end = body.find(_THINK_CLOSE)
    if end == -1:
        return Reasoning(body.strip(), finished=False), ""
    return Reasoning(body[:end].strip(), finished=True), body[end + len(_THINK_CLOSE) :].lstrip()


@dataclass(frozen=True)
class Segment:
    kind: str  # "markdown" or "code"
    text: str
    language: str = ""


_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")


def split_code_blocks(markdown: str) -> list[Segment]:
    """Fenced code blocks apart from the prose around them; an unclosed fence runs to the end
    (a reply still streaming, or cut at the length limit)."""
    segments: list[Segment] = []
    prose: list[str] = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            prose.append(lines[index])
            index += 1
            continue
        fence = match.group("fence")
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        code: list[str] = []
        index += 1
        while index < len(lines) and not closing.match(lines[index]):
            code.append(lines[index])
            index += 1
        index += 1  # the closing fence
        if any(line.strip() for line in prose):
            segments.append(Segment("markdown", "\n".join(prose).strip("\n")))
        prose = []
        language = match.group("info").strip().split(" ")[0] if match.group("info") else ""
        segments.append(Segment("code", "\n".join(code), language))
    if any(line.strip() for line in prose):
        segments.append(Segment("markdown", "\n".join(prose).strip("\n")))
    return segments


def code_blocks(reply: str) -> list[Segment]:
    """The code blocks of a reply's answer, in order (what "Copy code" links point at)."""
    _, answer = split_reasoning(reply)
    return [segment for segment in split_code_blocks(answer) if segment.kind == "code"]


def highlight_code(code: str, language: str = "", style: str = "default") -> str:
    """HTML with inline colours (Qt's rich text has no style sheets for classes)."""
    try:
        lexer = get_lexer_by_name(language) if language else guess_lexer(code)
    except ClassNotFound:
        lexer = TextLexer()
    if lexer.name == "Text only" or not code.strip():
        return escape(code)
    formatter = HtmlFormatter(style=style, noclasses=True, nowrap=True)
    return highlight(code, lexer, formatter).rstrip("\n")
