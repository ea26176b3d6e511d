"""Store calls made by the interface: a failure (a full disk, a damaged file) becomes a message
for the person, and the app goes on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from app.core.store import StoreError
from app.ui.i18n import translated

T = TypeVar("T")


def guarded(call: Callable[[], T], report: Callable[[str], object], write: bool = False) -> T | bool | None:
    """What ``call`` returns (True for a write that returns nothing), or None after handing the
    StoreError's message, translated, to ``report``."""
    try:
        result = call()
    except StoreError as error:
        report(translated(error))
        return None
    return (result or True) if write else result
