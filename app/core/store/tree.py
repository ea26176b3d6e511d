"""A conversation's messages as a tree: paths, effective parents, alternatives, branches.

Messages form a tree, as in ChatGPT: ``parent_id`` is the previous message on the path.
Alternative replies ("swipes") are siblings under the same parent; editing a user message
and sending it again adds a sibling user message, so the old branch stays reachable. A
conversation shows the path from its root to ``current_leaf_id``.

Deleted messages are skipped, not cut out: a deleted message's children hang from its
nearest non-deleted ancestor (their *effective parent*) for paths, siblings, branch
selection and export.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from app.core.store.records import _SELECT_MESSAGES

# Bounds a walk up parent links, so a loop (impossible through this API) cannot hang us.
_MAX_DEPTH = 1_000_000

# Root → leaf. Walks the raw parent links up from the leaf, then drops deleted messages:
# the same as following effective parents.
_PATH_SQL = f"""
WITH RECURSIVE chain(id, depth) AS (
    SELECT ?, 0
    UNION ALL
    SELECT messages.parent_id, chain.depth + 1 FROM messages JOIN chain ON messages.id = chain.id
    WHERE messages.parent_id IS NOT NULL AND chain.depth < {_MAX_DEPTH}
)
{_SELECT_MESSAGES} JOIN chain USING (id)
WHERE conversation_id = ? AND deleted_at IS NULL
ORDER BY chain.depth DESC
"""


def _set_leaf(
    conn: sqlite3.Connection, conversation_id: int, leaf: int | None, touched: float | None = None
) -> None:
    """Set a conversation's current leaf; with ``touched``, also its updated_at."""
    conn.execute(
        "UPDATE conversations SET current_leaf_id = ?, updated_at = coalesce(?, updated_at) "
        "WHERE id = ?",
        (leaf, touched, conversation_id),
    )


class _Node(NamedTuple):
    parent_id: int | None
    role: str
    deleted: bool


class _Tree:
    """A conversation's messages without their text: enough to work out effective
    parents (deleted messages skipped), children and branches in one query."""

    def __init__(self, conn: sqlite3.Connection, conversation_id: int) -> None:
        self.nodes: dict[int, _Node] = {
            message_id: _Node(parent_id, role, bool(deleted))
            for message_id, parent_id, role, deleted in conn.execute(
                "SELECT id, parent_id, role, deleted_at IS NOT NULL FROM messages "
                "WHERE conversation_id = ?",
                (conversation_id,),
            )
        }
        self._children: dict[int | None, list[int]] = {}
        for message_id, node in sorted(self.nodes.items()):
            if not node.deleted:
                self._children.setdefault(self.effective_parent(message_id), []).append(message_id)

    def lineage(self, message_id: int) -> list[int]:
        """The message and all its ancestors, deleted or not, nearest first."""
        chain: list[int] = []
        current: int | None = message_id
        while current in self.nodes and len(chain) < len(self.nodes):
            chain.append(current)
            current = self.nodes[current].parent_id
        return chain

    def visible(self, message_id: int | None) -> int | None:
        """The message itself unless deleted, else its nearest non-deleted ancestor."""
        current, steps = message_id, 0
        while current in self.nodes and steps <= len(self.nodes):
            node = self.nodes[current]
            if not node.deleted:
                return current
            current, steps = node.parent_id, steps + 1
        return None

    def effective_parent(self, message_id: int) -> int | None:
        return self.visible(self.nodes[message_id].parent_id)

    def children(self, parent_id: int | None) -> list[int]:
        """Non-deleted messages whose effective parent is ``parent_id``, by id."""
        return self._children.get(parent_id, [])

    def alternatives(self, message_id: int) -> list[int]:
        """The message's siblings: the non-deleted messages with the same effective parent
        and role, by id (itself included unless it is deleted)."""
        role = self.nodes[message_id].role
        family = self.children(self.effective_parent(message_id))
        return [m for m in family if self.nodes[m].role == role]

    def newest_leaf(self, message_id: int) -> int:
        """Follow the newest child down from the message until a leaf."""
        current = message_id
        for _ in range(len(self.nodes)):  # bounded, like every walk here
            children = self.children(current)
            if not children:
                break
            current = children[-1]
        return current
