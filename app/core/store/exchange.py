"""Conversations in and out of Inkwell: the JSON export checked strictly before an
import, and what the Markdown export writes for each speaker and unfinished reply.

The Store's export_json, import_json and export_markdown use these; the rows themselves
are read and written in app/core/store/conversations.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple

from app.core.store.records import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    ROLES,
    STATUSES,
    StoreError,
    _is_id,
    _is_number,
)
from app.core.translatable import QT_TRANSLATE_NOOP


class _Kind(NamedTuple):
    description: str
    accepts: Callable[[object], bool]


_TEXT = _Kind(QT_TRANSLATE_NOOP("Store", "text"), lambda v: isinstance(v, str))
_NUMBER = _Kind(QT_TRANSLATE_NOOP("Store", "a number"), _is_number)
_ID = _Kind(QT_TRANSLATE_NOOP("Store", "a whole number"), _is_id)
_OPTIONAL_ID = _Kind(QT_TRANSLATE_NOOP("Store", "a whole number or null"), lambda v: v is None or _is_id(v))
_OPTIONAL_OBJECT = _Kind(QT_TRANSLATE_NOOP("Store", "an object or null"), lambda v: v is None or isinstance(v, dict))
_LIST = _Kind(QT_TRANSLATE_NOOP("Store", "a list"), lambda v: isinstance(v, list))


def _bad_export(detail: str) -> StoreError:
    return StoreError(QT_TRANSLATE_NOOP("Store", "This Inkwell conversation export is damaged or incomplete: {detail}.").format(
        detail=detail))


def _field(data: Mapping[str, Any], key: str, kind: _Kind, where: str = "") -> Any:
    if key not in data:
        raise _bad_export(QT_TRANSLATE_NOOP("Store", 'the field "{field}" is missing').format(field=f"{where}{key}"))
    value = data[key]
    if not kind.accepts(value):
        raise _bad_export(QT_TRANSLATE_NOOP("Store", 'the field "{field}" should be {kind}').format(
            field=f"{where}{key}", kind=kind.description))
    return value


_REFERS_TO_MISSING: Final = QT_TRANSLATE_NOOP("Store", '"{field}" refers to message {id}, which is not in the file')


def _parse_export(data: object) -> tuple[dict[str, Any], list[dict[str, Any]], int | None]:
    """Check an export strictly. Returns the conversation's fields, its messages with
    parents before children, and the current leaf's (old) id."""
    if not isinstance(data, dict):
        raise StoreError(QT_TRANSLATE_NOOP("Store", "This is not an Inkwell conversation export (it is not a JSON object)."))
    if data.get("format") != EXPORT_FORMAT:
        raise StoreError(QT_TRANSLATE_NOOP(
            "Store", 'This is not an Inkwell conversation export (its "format" is not "{format}").'
        ).format(format=EXPORT_FORMAT))
    version = _field(data, "version", _ID)
    if version > EXPORT_VERSION:
        raise StoreError(QT_TRANSLATE_NOOP(
            "Store", "This conversation was exported by a newer Inkwell. Update Inkwell to import it."))
    if version < 1:
        raise _bad_export(QT_TRANSLATE_NOOP("Store", 'its "version" {version} is not a known version').format(version=version))
    conversation = {key: _field(data, key, _TEXT) for key in ("title", "system_prompt", "persona")}
    conversation["created_at"] = float(_field(data, "created_at", _NUMBER))
    _field(data, "updated_at", _NUMBER)  # checked, not used: an import counts as updated now
    leaf = _field(data, "current_leaf_id", _OPTIONAL_ID)

    messages: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(_field(data, "messages", _LIST)):
        where = f"messages[{index}]."
        if not isinstance(item, dict):
            raise _bad_export(QT_TRANSLATE_NOOP("Store", '"{field}" should be an object').format(field=f"messages[{index}]"))
        message = {
            "id": _field(item, "id", _ID, where),
            "parent_id": _field(item, "parent_id", _OPTIONAL_ID, where),
            "role": _field(item, "role", _TEXT, where),
            "content": _field(item, "content", _TEXT, where),
            "status": _field(item, "status", _TEXT, where),
            "stats": _field(item, "stats", _OPTIONAL_OBJECT, where),
            "created_at": float(_field(item, "created_at", _NUMBER, where)),
        }
        for key, choices in (("role", ROLES), ("status", STATUSES)):
            if message[key] not in choices:
                raise _bad_export(QT_TRANSLATE_NOOP("Store", 'the field "{field}" should be one of {choices}').format(
                    field=f"{where}{key}", choices=", ".join(choices)))
        if message["id"] in by_id:
            raise _bad_export(QT_TRANSLATE_NOOP("Store", "two messages have the id {id}").format(id=message["id"]))
        # A reply still streaming when it was exported will never finish now.
        if message["status"] == "streaming":
            message["status"] = "interrupted"
        messages.append(message)
        by_id[message["id"]] = message

    for index, message in enumerate(messages):
        parent = message["parent_id"]
        if parent is not None and parent not in by_id:
            raise _bad_export(_REFERS_TO_MISSING.format(field=f"messages[{index}].parent_id", id=parent))
    if leaf is not None and leaf not in by_id:
        raise _bad_export(_REFERS_TO_MISSING.format(field="current_leaf_id", id=leaf))
    return conversation, _parents_first(messages, by_id), leaf


def _parents_first(
    messages: list[dict[str, Any]], by_id: Mapping[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The messages ordered so each comes after its parent (the file's order when it
    already is), refusing parent links that loop."""
    placed: set[int] = set()
    ordered: list[dict[str, Any]] = []
    for message in messages:
        chain: list[dict[str, Any]] = []  # the message and its ancestors not yet placed
        in_chain: set[int] = set()
        current: dict[str, Any] | None = message
        while current is not None and current["id"] not in placed:
            if current["id"] in in_chain:
                raise _bad_export(QT_TRANSLATE_NOOP("Store", "the messages' parent links form a loop"))
            chain.append(current)
            in_chain.add(current["id"])
            parent = current["parent_id"]
            current = by_id[parent] if parent is not None else None
        for item in reversed(chain):
            placed.add(item["id"])
            ordered.append(item)
    return ordered


# --- Markdown -------------------------------------------------------------------------------

_SPEAKERS = {"user": "You", "assistant": "Assistant", "system": "System"}
