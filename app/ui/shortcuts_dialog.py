"""Help → Keyboard shortcuts: every window shortcut, read from the actions themselves, and the
keys that work inside a widget."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# Keys handled by a widget rather than by an action, so the actions cannot list them.
WIDGET_KEYS = (
    ("Enter", QT_TRANSLATE_NOOP("ShortcutsDialog", "Send the message (message box); accept the proposed text (draft)")),
    ("Shift+Enter", QT_TRANSLATE_NOOP("ShortcutsDialog", "New line in the message box")),
    ("Esc", QT_TRANSLATE_NOOP("ShortcutsDialog", "Stop the model; discard the proposed text; cancel an edit")),
    ("Ctrl+Enter", QT_TRANSLATE_NOOP("ShortcutsDialog", "Continue the draft at the cursor")),
    ("Tab", QT_TRANSLATE_NOOP("ShortcutsDialog", "Accept the proposed text")),
    ("Ctrl+Right", QT_TRANSLATE_NOOP("ShortcutsDialog", "Accept the next word of the proposed text")),
    ("Left / Right", QT_TRANSLATE_NOOP("ShortcutsDialog", "Flip between a reply's alternatives (in the conversation)")),
    ("Ctrl+Shift+A", QT_TRANSLATE_NOOP("ShortcutsDialog", "What else the model might have written at the cursor (a reply, the proposed or accepted text)")),
    ("Alt+Click", QT_TRANSLATE_NOOP("ShortcutsDialog", "What else the model might have written at that word")),
    ("F2", QT_TRANSLATE_NOOP("ShortcutsDialog", "Rename the conversation or draft")),
    ("Delete", QT_TRANSLATE_NOOP("ShortcutsDialog", "Delete the chosen conversation or draft (with Undo)")),
)


class ShortcutsDialog(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(560, screen.width()), min(520, screen.height()))
        rows = [(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text().replace("&", ""))
                for a in actions if not a.shortcut().isEmpty()]
        rows += [(QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) or keys,
                  QCoreApplication.translate("ShortcutsDialog", what))
                 for keys, what in WIDGET_KEYS]
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        self.table.verticalHeader().hide()
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        # The keys are short and shown whole; the actions take the rest of the width and wrap,
        # so that no width of the dialog needs a horizontal scrollbar.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Rows as tall as their wrapped text; the header measures them again whenever the
        # Action column's width changes (the dialog resized).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
