"""Token alternatives: for every token of a reply, the candidates the model weighed at that
step and how likely each was, and where the token's text lies in the reply.

The engine fills these in while it generates (``GenerationRequest.alternatives``); the
writing desk and the chat map a character of the reply to its token (``token_at``), show the
token's alternatives, and branch the reply there (``branch_request``).

Text and characters: a token is a few bytes, and a CJK character or an emoji is often split
across two or three tokens. A token's ``text`` is what it adds to the reply: the characters
its bytes complete. A token holding only the first bytes of a character adds "" and the token
that completes the character carries all of it. So the tokens' texts, joined, are exactly the
reply's text, and ``start`` is where each one begins in it.
"""

from __future__ import annotations

import codecs
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from app.core.generation import GenerationRequest

DEFAULT_ALTERNATIVES = 8
UNKNOWN_TOKEN = -1  # a remote engine names tokens by their text, not by their id


class Alternative(NamedTuple):
    """One candidate of a step: its text (as it would read at that place in the reply), its
    id in the model's vocabulary and its probability."""

    text: str
    token_id: int
    p: float


@dataclass(frozen=True, slots=True)
class TokenChoice:
    """One token of a reply, as the model chose it."""

    index: int  # its place among the reply's tokens, 0 for the first
    start: int  # where ``text`` begins in the text of the request that produced it
    text: str  # what it adds to the reply (may be "", see the module's docstring)
    token_id: int  # UNKNOWN_TOKEN where the engine does not say
    piece: bytes  # the token's bytes
    p: float  # its probability at this step; 0.0 where it is not known
    alternatives: tuple[Alternative, ...] = ()  # the top candidates, most likely first

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Branch:
    """Carry a reply on from one of its tokens with another one: the reply's tokens before it
    are kept (the engine still has them in its cache, so only the new token is evaluated),
    ``token_id`` takes the place of the token at ``len(kept)``, and generation goes on from
    there. The branch's text starts with the new token's text."""

    kept: tuple[int, ...]  # ids of the reply's tokens before the branch point
    token_id: int
    # The step the new token was chosen at, so the branch's first TokenChoice carries it.
    p: float = 0.0
    alternatives: tuple[Alternative, ...] = ()

    @property
    def index(self) -> int:
        return len(self.kept)


def joined_text(tokens: Sequence[TokenChoice]) -> str:
    return "".join(token.text for token in tokens)


def token_at(tokens: Sequence[TokenChoice], position: int) -> int | None:
    """The index in ``tokens`` of the token whose text holds character ``position`` of the
    reply (counted like ``start``), or None past the end. A character split across tokens
    belongs to the token that completes it."""
    if position < 0:
        return None
    # Of tokens that start at the same place, the last one is the one with text.
    found = bisect_right(tokens, position, key=lambda token: token.start) - 1
    if found >= 0 and position < tokens[found].end:
        return found
    return None


def branch_request(request: GenerationRequest, tokens: Sequence[TokenChoice], index: int,
                   token_id: int) -> GenerationRequest:
    """A request that carries ``request``'s reply on from its token ``index`` with
    ``token_id`` instead: the same prompt, ``tokens[:index]`` kept, a new request id.

    ``tokens`` is the whole reply as shown (after a branch, see ``splice``). Its text from
    ``tokens[index].start`` on is what the branch's text replaces. Raises ValueError when the
    tokens have no ids (a remote engine) or ``index`` is outside the reply."""
    from app.core.generation import next_request_id

    if not 0 <= index < len(tokens):
        raise ValueError(f"token {index} is not in a reply of {len(tokens)} tokens")
    if any(token.token_id == UNKNOWN_TOKEN for token in tokens[: index + 1]) or token_id < 0:
        raise ValueError("branching at a token needs the tokens' ids, which only the local engine gives")
    step = tokens[index]
    p = next((alternative.p for alternative in step.alternatives if alternative.token_id == token_id),
             step.p if token_id == step.token_id else 0.0)
    branch = Branch(tuple(token.token_id for token in tokens[:index]), token_id, p, step.alternatives)
    return replace(request, branch=branch, request_id=next_request_id())


def splice(tokens: Sequence[TokenChoice], branch_tokens: Sequence[TokenChoice]) -> list[TokenChoice]:
    """The reply's tokens after a branch: ``tokens`` up to the branch point, then the branch's
    own, their ``start`` moved to count from the beginning of the whole reply."""
    if not branch_tokens:
        return list(tokens)
    at = branch_tokens[0].index
    offset = tokens[at].start if at < len(tokens) else (tokens[-1].end if tokens else 0)
    return [*tokens[:at], *(replace(token, start=token.start + offset) for token in branch_tokens)]


class TokenTrail:
    """Follows a reply token by token and hands out each token's TokenChoice once the text it
    adds has been sent, so a listener never learns of a token before its text.

    The engine calls ``add`` for every token, ``release(sent)`` after it sent text, and
    ``finish(sent)`` at the end, where a stop string may have cut the text short: tokens are
    cut to the text that was sent, so their texts joined are always exactly the reply."""

    def __init__(self, first_index: int = 0) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._waiting: list[TokenChoice] = []
        self._next_index = first_index
        self._length = 0  # characters of text the tokens added so far

    def prime(self, pieces: Sequence[bytes]) -> None:
        """Bytes of the reply before the first token followed here (a branch's kept tokens):
        a character they leave unfinished is completed by the next token."""
        for piece in pieces:
            self._decoder.decode(piece)

    def pending_bytes(self) -> bytes:
        """The start of a character that the next token is to complete, if any."""
        return self._decoder.getstate()[0]

    def text_of(self, piece: bytes) -> str:
        """What ``piece`` would add at this point of the reply (for a candidate not chosen)."""
        return (self.pending_bytes() + piece).decode("utf-8", "replace")

    def add(self, token_id: int, piece: bytes, p: float, alternatives: tuple[Alternative, ...] = ()) -> str:
        """Follows one more token; returns the text it adds."""
        text = self._decoder.decode(piece)
        self._waiting.append(TokenChoice(self._next_index, self._length, text, token_id, piece, p, alternatives))
        self._next_index += 1
        self._length += len(text)
        return text

    def flush(self) -> str:
        """The end of the reply: an unfinished character becomes U+FFFD, added to the last token."""
        tail = self._decoder.decode(b"", final=True)
        if tail and self._waiting:
            last = self._waiting[-1]
            self._waiting[-1] = replace(last, text=last.text + tail)
            self._length += len(tail)
        return tail

    def release(self, sent: int) -> list[TokenChoice]:
        """The tokens whose text lies within the first ``sent`` characters, not handed out yet."""
        count = 0
        for token in self._waiting:
            # A token without text at the edge may be the start of a stop string's character.
            if token.end > sent or (token.end == sent and not token.text):
                break
            count += 1
        released, self._waiting = self._waiting[:count], self._waiting[count:]
        return released

    def finish(self, sent: int) -> list[TokenChoice]:
        """Every token not handed out yet, cut to the ``sent`` characters the reply has: the
        tokens of a stop string are left out, a token that the stop string begins in keeps
        the part before it."""
        released = []
        for token in self._waiting:
            if token.start > sent or (token.start == sent and sent < self._length):
                break
            if token.end > sent:
                token = replace(token, text=token.text[: sent - token.start])
            released.append(token)
        self._waiting = []
        return released


# -- what OpenAI-compatible servers send --------------------------------------------------------

MAX_REMOTE_ALTERNATIVES = 20  # OpenAI's limit for top_logprobs, and vLLM's default


class ServerToken(NamedTuple):
    """One token of a streamed reply as a server describes it: its bytes, its probability and
    its top candidates as (bytes, probability), most likely first."""

    piece: bytes
    p: float
    top: tuple[tuple[bytes, float], ...]


def logprob_request(route: str, count: int) -> dict:
    """The body fields that ask a server for ``count`` candidates per token: OpenAI's chat
    form (``logprobs: true, top_logprobs: N``) or its completions form (``logprobs: N``)."""
    count = max(1, min(count, MAX_REMOTE_ALTERNATIVES))
    if route.endswith("chat/completions"):
        return {"logprobs": True, "top_logprobs": count}
    return {"logprobs": count}


def server_tokens(chunk: object, count: int) -> list[ServerToken] | None:
    """The tokens a streamed chunk describes, or None when it carries no probabilities.

    Reads both forms servers use: ``logprobs.content`` (OpenAI's chat, llama.cpp's server for
    chat and completions) and ``tokens``/``token_logprobs``/``top_logprobs`` (the completions
    form of OpenAI and vLLM)."""
    if not isinstance(chunk, dict):
        return None
    choices = chunk.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None
    logprobs = choices[0].get("logprobs")
    if not isinstance(logprobs, dict):
        return None
    content = logprobs.get("content")
    if isinstance(content, list):
        found = []
        for entry in content:
            if isinstance(entry, dict):
                top = [(_entry_bytes(item), _probability(item.get("logprob")))
                       for item in entry.get("top_logprobs") or () if isinstance(item, dict)]
                found.append(ServerToken(_entry_bytes(entry), _probability(entry.get("logprob")), _best(top, count)))
        return found
    texts, chosen, tops = logprobs.get("tokens"), logprobs.get("token_logprobs"), logprobs.get("top_logprobs")
    if not isinstance(texts, list):
        return None
    found = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        logprob = chosen[index] if isinstance(chosen, list) and index < len(chosen) else None
        candidates = tops[index] if isinstance(tops, list) and index < len(tops) else None
        top = [(str(key).encode("utf-8"), _probability(value))
               for key, value in (candidates.items() if isinstance(candidates, dict) else ())]
        found.append(ServerToken(text.encode("utf-8"), _probability(logprob), _best(top, count)))
    return found


def _entry_bytes(entry: dict) -> bytes:
    """A token's exact bytes where the server gives them (a CJK character's first bytes are
    not text of their own), else its text."""
    raw = entry.get("bytes")
    if isinstance(raw, list) and all(isinstance(b, int) and 0 <= b < 256 for b in raw):
        return bytes(raw)
    token = entry.get("token")
    return token.encode("utf-8") if isinstance(token, str) else b""


def _probability(logprob: object) -> float:
    if isinstance(logprob, (int, float)) and not isinstance(logprob, bool):
        try:
            return min(1.0, math.exp(logprob))
        except OverflowError:
            return 1.0
    return 0.0


def _best(top: list[tuple[bytes, float]], count: int) -> tuple[tuple[bytes, float], ...]:
    return tuple(sorted(top, key=lambda item: item[1], reverse=True)[:count])


def token_record(token: TokenChoice) -> dict:
    """A token as `inkwell chat/continue --format jsonl` prints it: its text, its probability
    and its candidates, most likely first."""
    return {"token": token.text, "p": token.p,
            "alternatives": [{"token": alternative.text, "p": alternative.p} for alternative in token.alternatives]}
