"""Writes to a Store forever, saying on stdout what is committed; tests/test_store.py kills it.

    python tests/store_crash_child.py DBPATH [--print-before-commit]

Like the GUI streaming replies: it opens the Store, creates a conversation, then loops:
a user message, an assistant message with status 'streaming' that grows over ~20
updates (each one transaction), then marked 'complete'. After each committed write it
prints one flushed line:

    conv <conversation id>
    msg <message id> <len(content)> <status>

so every line the parent reads is a promise that the write is on disk.

--print-before-commit breaks that promise on purpose (it announces an update, waits a
little, then writes it): the parent uses it to prove that its checks notice lost writes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.store import Store  # noqa: E402

UPDATES_PER_REPLY = 20
PIECE = "Streaming words, 流式的文字. "  # mixed scripts: lengths count characters, not bytes
UNSAFE_DELAY_S = 0.03  # the window in which an announced write is not yet written


def report(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str]) -> None:
    db_path, unsafe = argv[1], "--print-before-commit" in argv[2:]
    store = Store(db_path)
    conversation = store.create_conversation()
    report(f"conv {conversation.id}")
    parent: int | None = None
    while True:
        user = store.add_message(conversation.id, "user", f"Tell me story {parent}.", parent)
        report(f"msg {user.id} {len(user.content)} {user.status}")
        reply = store.add_message(conversation.id, "assistant", "", user.id, status="streaming")
        report(f"msg {reply.id} 0 streaming")
        text = ""
        for _ in range(UPDATES_PER_REPLY):
            text += PIECE
            if unsafe:
                report(f"msg {reply.id} {len(text)} streaming")
                time.sleep(UNSAFE_DELAY_S)
            saved = store.update_message(reply.id, content=text)
            if not unsafe:
                report(f"msg {saved.id} {len(saved.content)} {saved.status}")
        done = store.update_message(reply.id, status="complete")
        report(f"msg {done.id} {len(done.content)} {done.status}")
        parent = done.id


if __name__ == "__main__":
    main(sys.argv)
