"""llama.cpp's naming of a model split into several files ("name-00001-of-00003.gguf")."""

from __future__ import annotations

import posixpath
import re
from typing import Final

# "name-00001-of-00003.gguf": llama.cpp's gguf-split naming (llama_split_path).
# llama.cpp loads a split model from its first part and finds the others by
# this name in the same folder.
SPLIT_RE: Final = re.compile(
    r"^(?P<stem>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE
)


def split_part(file_name: str) -> tuple[str, int, int] | None:
    """``(stem, index, count)`` for a part of a split model ("name-00002-of-00003.gguf"
    gives ("name", 2, 3)), None for any other name (also "-00004-of-00003", no real part).
    A folder in front of the name is ignored."""
    match = SPLIT_RE.match(posixpath.basename(file_name.replace("\\", "/")))
    if match is None:
        return None
    index, count = int(match["index"]), int(match["count"])
    return (match["stem"], index, count) if 1 <= index <= count else None


def model_name(file_name: str) -> str:
    """The file name without ``.gguf`` and without a ``-00001-of-00003`` suffix."""
    match = SPLIT_RE.match(file_name)
    if match is not None:  # even "-00004-of-00003": the name people know it by
        return match["stem"]
    if file_name.lower().endswith(".gguf") and len(file_name) > 5:
        return file_name[:-5]
    return file_name
