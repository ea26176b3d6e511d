"""Conversations and documents on disk: one SQLite file that must never lose a user's work.

Why it is built this way:

- Every change is one transaction (``BEGIN IMMEDIATE … COMMIT``) in WAL mode with
  ``synchronous=FULL``. When a method returns, its change is on disk; when the app is
  killed or the power goes, the file holds exactly the changes that had returned. When a
  method fails (a full disk, a read-only file…), it raises :class:`StoreError`, never a
  bare ``sqlite3`` error, and nothing of that change was saved.
- A reply is saved while it streams (status ``'streaming'``). Opening the store turns
  every ``'streaming'`` message into ``'interrupted'``: a reply cut by a crash shows as
  cut, instead of looking finished or being lost.
- Nothing is destroyed without an undo: messages, conversations, documents and story
  bible entries are soft-deleted (``deleted_at``); deleted conversations and documents wait in the trash
  until :meth:`Store.empty_trash`. (Old revisions of a document are thinned by a fixed
  policy; see documents.py.)
- A damaged file is never fatal: it is moved aside (kept, for a later rescue), a fresh
  database is created and every row that can still be read is copied into it.
- The schema grows by forward migrations numbered with ``PRAGMA user_version``; a file
  from a newer Inkwell is refused untouched rather than misread.
- Whoever shows the data is told when it changes: :meth:`Store.subscribe` registers a
  callback that gets one immutable :class:`Change` per kind of row a committed write
  added, changed or removed (events.py), so a window need not re-read after every call.

The package, by concern (each module's docstring says more):

- ``records.py`` — the records handed out (:class:`Conversation`, :class:`Message`,
  :class:`Document`, :class:`Revision`, …), :class:`StoreError`, row helpers;
- ``schema.py`` — the tables, :data:`MIGRATIONS`, and SQLite errors in words for a person;
- ``recovery.py`` — moving a damaged file aside and salvaging its rows;
- ``events.py`` — change notifications;
- ``base.py`` — opening, transactions, the shared trash, app state (``get_meta``);
- ``tree.py`` — the message tree: paths, effective parents, alternatives;
- ``conversations.py`` — conversations, messages, search, export and import;
- ``exchange.py`` — checking an imported export, the Markdown export's wording;
- ``documents.py`` — documents (drafts), revisions and how long revisions are kept;
- ``lorebooks.py`` — story bibles: their entries, drafts sharing one, their part in revisions.

One thread (the GUI thread) owns a Store; sqlite3 refuses use from another thread.
Pure standard library on purpose: this is the core layer (no Qt, no llama_cpp).
"""

from __future__ import annotations

from app.core.store.conversations import _ConversationStore
from app.core.store.documents import _DocumentStore, revisions_to_thin
from app.core.store.events import Change, ChangeAction, ChangeKind, Subscriber
from app.core.store.records import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    ROLES,
    STATUS_NOTES,
    STATUSES,
    Conversation,
    Document,
    Message,
    PathItem,
    Revision,
    SearchHit,
    StoreError,
    StoryBible,
    title_from_text,
)
from app.core.store.schema import MIGRATIONS

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MIGRATIONS",
    "ROLES",
    "STATUS_NOTES",
    "STATUSES",
    "Change",
    "ChangeAction",
    "ChangeKind",
    "Conversation",
    "Document",
    "Message",
    "PathItem",
    "Revision",
    "SearchHit",
    "Store",
    "StoreError",
    "StoryBible",
    "Subscriber",
    "revisions_to_thin",
    "title_from_text",
]


class Store(_ConversationStore, _DocumentStore):
    """Conversations with their message trees, and documents with their revisions and story
    bibles, in one SQLite file. See the package docstring.

    ``Store(path, clock=time.time)``: ``path`` is the database file (its folder is created);
    ``clock`` gives the time every date the store writes is taken from (tests pass their
    own). Open one Store per file per app: opening marks every 'streaming' reply
    'interrupted', which is right after a crash but wrong under another Store still
    streaming into it."""
