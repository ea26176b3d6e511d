"""The writing desk's revisions: earlier versions of a draft, read and restored."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.store import Store
from app.core.writing import count_words


class RevisionsDialog(QDialog):
    def __init__(self, store: Store, document_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisionsDialog")
        self.setWindowTitle(self.tr("Revisions"))
        self.resize(720, 480)
        self.chosen: int | None = None
        self.revisions = store.list_revisions(document_id)
        self.list = QListWidget()
        self.list.setObjectName("revisionList")
        self.list.setAccessibleName(self.tr("Revisions"))
        for revision in self.revisions:
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(revision.created_at))
            item = QListWidgetItem(self.tr("{stamp} · {words} words · {reason}").format(
                stamp=stamp, words=f"{count_words(revision.body):,}", reason=revision.reason))
            item.setData(Qt.ItemDataRole.UserRole, revision.id)
            self.list.addItem(item)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("revisionPreview")
        self.preview.setAccessibleName(self.tr("Revision text"))
        self.preview.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton(self.tr("Restore this version"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restoreRevisionButton")
        self.restore_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.currentRowChanged.connect(self._show)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addWidget(self.preview, 2)
        layout = QVBoxLayout(self)
        if not self.revisions:
            layout.addWidget(QLabel(self.tr("No earlier versions yet. One is kept each time you accept a continuation.")))
        layout.addLayout(body)
        layout.addWidget(buttons)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.revisions):
            self.preview.setPlainText(self.revisions[row].body)
            self.chosen = self.revisions[row].id
            self.restore_button.setEnabled(True)
