"""Help → Keyboard shortcuts: every window shortcut, read from the actions themselves, and the
keys that work inside a widget."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

# Keys handled by a widget rather than by an action, so the actions cannot list them.
WIDGET_KEYS = (
    ("Enter", "Send the message (message box); accept the proposed text (draft)"),
    ("Shift+Enter", "New line in the message box"),
    ("Esc", "Stop the model; discard the proposed text; cancel an edit"),
    ("Ctrl+Enter", "Continue the draft at the cursor"),
    ("Tab", "Accept the proposed text"),
    ("Ctrl+Right", "Accept the next word of the proposed text"),
    ("Left / Right", "Flip between a reply's alternatives (in the conversation)"),
    ("F2", "Rename the conversation or draft"),
    ("Delete", "Delete the chosen conversation or draft (with Undo)"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 520)
        rows = [(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text().replace("&", ""))
                for a in actions if not a.shortcut().isEmpty()]
        rows += [(QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) or keys, what)
                 for keys, what in WIDGET_KEYS]
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
