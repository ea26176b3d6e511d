"""Turning a stream of token bytes into text, one token at a time.

Both classes do constant work per token: nothing re-decodes or re-scans the text produced so
far, so long replies stream as fast as short ones.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable


class Utf8StreamDecoder:
    """Decodes token pieces whose UTF-8 sequences may be split across tokens (common for CJK
    characters and emoji): the incomplete tail is held until the next piece completes it."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, piece: bytes) -> str:
        return self._decoder.decode(piece)

    def flush(self) -> str:
        """Whatever is still held; an unfinished sequence becomes U+FFFD."""
        return self._decoder.decode(b"", final=True)


class StopMatcher:
    """Finds stop strings in streamed text while keeping back only the shortest tail that could
    still grow into a stop string; everything before it is released at once."""

    def __init__(self, stops: Iterable[str] = ()) -> None:
        self._stops = tuple(s for s in dict.fromkeys(stops) if s)
        self._pending = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """Returns the text that is safe to show. After a stop string is seen, ``stopped`` is
        True and the stop string and anything after it are dropped."""
        if self.stopped:
            return ""
        if not self._stops:
            return text
        pending = self._pending + text
        first = -1
        for stop in self._stops:
            index = pending.find(stop)
            if index != -1 and (first == -1 or index < first):
                first = index
        if first != -1:
            self.stopped = True
            self._pending = ""
            return pending[:first]
        keep = self._longest_stop_prefix_suffix(pending)
        self._pending = pending[len(pending) - keep :] if keep else ""
        return pending[: len(pending) - keep]

    def flush(self) -> str:
        """The held tail, released when the stream ends without a stop string."""
        held, self._pending = self._pending, ""
        return "" if self.stopped else held

    def _longest_stop_prefix_suffix(self, text: str) -> int:
        best = 0
        for stop in self._stops:
            for length in range(min(len(stop) - 1, len(text)), best, -1):
                if text.endswith(stop[:length]):
                    best = length
                    break
        return best
