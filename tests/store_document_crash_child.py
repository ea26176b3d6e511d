"""Autosaves a document forever, saying on stdout what is committed; tests/test_store_documents.py
kills it.

    python tests/store_document_crash_child.py DBPATH [--print-before-commit]

Like the editor while a writer types: it opens the Store, creates a document, then loops:
the body grows by one piece and is saved with update_document (each save one transaction,
cursor at the end), and every fifth save also takes a revision. After each committed write
it prints one flushed line:

    doc <document id>
    body <document id> <len(body)>
    rev <revision id> <len(body)>

so every line the parent reads is a promise that the write is on disk.

--print-before-commit breaks that promise on purpose (it announces a save, waits a little,
then writes it): the parent uses it to prove that its checks notice lost writes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.store import Store  # noqa: E402

PIECE = "The words keep coming, 文字不断. "  # mixed scripts: lengths count characters
SAVES_PER_REVISION = 5
UNSAFE_DELAY_S = 0.03  # the window in which an announced write is not yet written


def report(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str]) -> None:
    db_path, unsafe = argv[1], "--print-before-commit" in argv[2:]
    store = Store(db_path)
    document = store.create_document()
    report(f"doc {document.id}")
    body = ""
    saves = 0
    while True:
        body += PIECE
        if unsafe:
            report(f"body {document.id} {len(body)}")
            time.sleep(UNSAFE_DELAY_S)
        saved = store.update_document(document.id, body=body, cursor=len(body))
        if not unsafe:
            report(f"body {saved.id} {len(saved.body)}")
        saves += 1
        if saves % SAVES_PER_REVISION == 0:
            revision = store.add_revision(document.id, "autosave")
            if revision is not None:
                report(f"rev {revision.id} {len(revision.body)}")


if __name__ == "__main__":
    main(sys.argv)
