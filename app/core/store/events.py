"""Change notifications: who is told what, after a write is committed.

``store.subscribe(callback)`` registers a plain callable and returns a function that
unregisters it. After each committed write, every subscriber is called with one
:class:`Change` per kind of row and kind of change the write made, in the order the write
made them; ``add_message`` for instance announces ``Change("messages", "added", (m,),
(c,))`` then ``Change("conversations", "changed", (c,))`` (its leaf and date moved).

- **kind**: ``"conversations"``, ``"messages"``, ``"documents"``, ``"revisions"``,
  ``"lorebooks"`` (story bibles: added, their settings changed, removed as unused) or
  ``"lore_entries"`` (their entries; a deleted entry, which can be restored, is changed).
  A draft that takes up another story bible is a changed document.
- **action**: ``"added"`` (new rows), ``"changed"`` (rows still there: edited, renamed, a
  new current leaf, moved to or from the trash, a message soft-deleted or restored) or
  ``"removed"`` (rows deleted for good: emptying the trash, pruning or thinning revisions).
  A row added and then changed by the same write is announced as added only; a row removed
  is announced as removed only. Emptying the trash announces the conversations and
  documents it removes (their messages and revisions go with them unannounced), the lore
  entries deleted long enough ago and the story bibles no longer used (their remaining
  entries go with them unannounced).
- **ids**: the rows, ascending. **owner_ids**: for messages, the conversations they belong
  to; for revisions, their documents; for lore entries, their story bibles; empty for
  conversations, documents and story bibles.

Nothing is announced for a write that was rolled back (an error, a full disk) nor for one
that changed nothing (an autosave of an unchanged document), nor for app state
(``set_meta``) or what opening the store does (migrations, recovery, marking interrupted
replies). Subscribers are called on the thread that wrote, once the change is on disk, so
they may read the store or write to it again. An exception raised by a subscriber does not
undo the write (it is committed) and does not stop the other subscribers: they are all
called, then the first exception propagates to the caller of the write.

Core stays free of Qt: the UI turns these calls into signals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

ChangeKind = Literal["conversations", "messages", "documents", "revisions", "lorebooks", "lore_entries"]
ChangeAction = Literal["added", "changed", "removed"]
KINDS: tuple[ChangeKind, ...] = ("conversations", "messages", "documents", "revisions", "lorebooks", "lore_entries")
ACTIONS: tuple[ChangeAction, ...] = ("added", "changed", "removed")


@dataclass(frozen=True)
class Change:
    """What one committed write did to one kind of row (see the module docstring)."""

    kind: ChangeKind
    action: ChangeAction
    ids: tuple[int, ...]
    owner_ids: tuple[int, ...] = ()


Subscriber = Callable[[Change], None]


class _Pending:
    """The changes a transaction made so far; announced only if it commits."""

    def __init__(self) -> None:
        # (kind, action) → {row id: owner id or None}, in the order first noted.
        self._rows: dict[tuple[ChangeKind, ChangeAction], dict[int, int | None]] = {}

    def note(
        self, kind: ChangeKind, action: ChangeAction, ids: Iterable[int], owner: int | None = None
    ) -> None:
        rows = self._rows.setdefault((kind, action), {})
        for row_id in ids:
            rows[row_id] = owner

    def changes(self) -> list[Change]:
        """Consolidated: a row removed is only removed; a row added is not also changed."""
        removed = {kind: rows for (kind, action), rows in self._rows.items() if action == "removed"}
        added = {kind: rows for (kind, action), rows in self._rows.items() if action == "added"}
        found = []
        for (kind, action), rows in self._rows.items():
            hidden: set[int] = set()
            if action != "removed":
                hidden |= removed.get(kind, {}).keys()
            if action == "changed":
                hidden |= added.get(kind, {}).keys()
            kept = {row_id: owner for row_id, owner in rows.items() if row_id not in hidden}
            if kept:
                owners = sorted({owner for owner in kept.values() if owner is not None})
                found.append(Change(kind, action, tuple(sorted(kept)), tuple(owners)))
        return found


class _Subscribers:
    """The callbacks told about committed changes, in the order they subscribed."""

    def __init__(self) -> None:
        self._callbacks: dict[object, Subscriber] = {}

    def add(self, callback: Subscriber) -> Callable[[], None]:
        if not callable(callback):
            raise TypeError(f"A store subscriber must be callable, not {callback!r}.")
        token = object()
        self._callbacks[token] = callback

        def unsubscribe() -> None:
            self._callbacks.pop(token, None)  # a second call does nothing

        return unsubscribe

    def __len__(self) -> int:
        return len(self._callbacks)

    def deliver(self, changes: list[Change]) -> None:
        """Call every subscriber with every change; then raise the first exception raised.
        One that unsubscribes meanwhile is not called again; one that subscribes meanwhile
        hears from the next write on."""
        if not changes or not self._callbacks:
            return
        listeners = list(self._callbacks.items())
        first_error: BaseException | None = None
        for change in changes:
            for token, callback in listeners:
                if token not in self._callbacks:
                    continue
                try:
                    callback(change)
                except Exception as error:  # noqa: BLE001 - re-raised below, after the others
                    first_error = first_error or error
        if first_error is not None:
            raise first_error
