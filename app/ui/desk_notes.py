"""The writing desk's side column: the memory, the author's note and the word target on one
tab, the story bible on the other, so the desk stays as narrow as a small screen needs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from app.core.store import Store
from app.ui.story_bible import StoryBiblePanel


class DeskNotes(QTabWidget):
    def __init__(self, store: Store, ensure_document: Callable[[], int | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesTabs")
        self.setAccessibleName(self.tr("Notes and story bible"))
        self.setUsesScrollButtons(True)
        self.setDocumentMode(True)  # no frame: the column is as narrow as before it had tabs
        self.memory_edit = _note_edit("memoryEdit", self.tr("Memory"), self.tr("Characters, setting, style: placed before the draft every time."))
        self.note_edit = _note_edit("authorsNoteEdit", self.tr("Author's note"), self.tr("A steer for what comes next, e.g. “the storm breaks”. Placed a few paragraphs before the cursor."))
        self.word_target = QSpinBox()
        self.word_target.setObjectName("wordTarget")
        self.word_target.setAccessibleName(self.tr("Word target"))
        self.word_target.setRange(0, 10_000_000)
        self.word_target.setSingleStep(500)
        self.word_target.setSpecialValueText(self.tr("none"))
        notes = QWidget()
        layout = QVBoxLayout(notes)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Memory")))
        layout.addWidget(self.memory_edit, 2)
        layout.addWidget(QLabel(self.tr("Author's note")))
        layout.addWidget(self.note_edit, 1)
        target_row = QHBoxLayout()
        target_label = QLabel(self.tr("Word target"))
        target_label.setWordWrap(True)  # may take two lines rather than widen the column
        target_row.addWidget(target_label)
        target_row.addWidget(self.word_target)
        layout.addLayout(target_row)
        self.bible = StoryBiblePanel(store, ensure_document)
        self.addTab(notes, self.tr("Notes"))
        self.addTab(self.bible, self.tr("Story bible"))


def _note_edit(name: str, accessible: str, placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit
