"""The conversation list: search, new, rename in place, delete (undoable)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

UNTITLED = QT_TRANSLATE_NOOP("Sidebar", "New conversation")


class ConversationList(QListWidget):
    delete_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        item = self.currentItem()
        if item is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != QAbstractItemView.State.EditingState:
            self.delete_requested.emit(item.data(Qt.ItemDataRole.UserRole))
            event.accept()
            return
        super().keyPressEvent(event)


class Sidebar(QWidget):
    """Emits what the user asked for; the window talks to the store."""

    conversation_selected = Signal(int)
    new_requested = Signal()
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    export_requested = Signal(int, str)  # id, "markdown" or "json"
    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.search = QLineEdit()
        self.search.setObjectName("conversationSearch")
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.search.setPlaceholderText(self.tr("Search conversations"))
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton(self.tr("New"))
        self.new_button.setObjectName("newConversationButton")
        self.new_button.setAccessibleName(self.tr("New conversation"))
        self.new_button.setToolTip(self.tr("New conversation ({shortcut})").format(
            shortcut=QKeySequence(QKeySequence.StandardKey.New).toString(QKeySequence.SequenceFormat.NativeText)))
        self.list = ConversationList()
        self.list.setObjectName("conversationList")
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)

        self.search.textChanged.connect(self.search_changed)
        self.new_button.clicked.connect(self.new_requested)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.delete_requested.connect(self.delete_requested)
        self.list.customContextMenuRequested.connect(self._show_menu)
        self._filling = False

    def set_conversations(self, rows: list[tuple[int, str, str]], current_id: int | None) -> None:
        """Rows of (id, title, tooltip), newest first."""
        self._filling = True
        try:
            self.list.clear()
            untitled = QCoreApplication.translate("Sidebar", UNTITLED)
            for conversation_id, title, tooltip in rows:
                item = QListWidgetItem(title or untitled)
                item.setData(Qt.ItemDataRole.UserRole, conversation_id)
                item.setToolTip(tooltip or title or untitled)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.list.addItem(item)
                if conversation_id == current_id:
                    self.list.setCurrentItem(item)
        finally:
            self._filling = False

    def select(self, conversation_id: int) -> None:
        """Marks a conversation as the open one without announcing it again."""
        item = self.item_for(conversation_id)
        if item is not None and self.list.currentItem() is not item:
            self._filling = True
            try:
                self.list.setCurrentItem(item)
            finally:
                self._filling = False

    def item_for(self, conversation_id: int) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == conversation_id:
                return item
        return None

    def start_rename(self, conversation_id: int) -> None:
        item = self.item_for(conversation_id)
        if item is not None:
            self.list.setCurrentItem(item)
            self.list.editItem(item)

    def _on_current_changed(self, current: QListWidgetItem | None, _previous) -> None:
        if current is not None and not self._filling:
            self.conversation_selected.emit(current.data(Qt.ItemDataRole.UserRole))

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._filling:
            self.rename_requested.emit(item.data(Qt.ItemDataRole.UserRole), item.text().strip())

    def _show_menu(self, position) -> None:
        item = self.list.itemAt(position)
        if item is None:
            return
        conversation_id = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        rename = QAction(self.tr("Rename"), menu)
        rename.triggered.connect(lambda: self.list.editItem(item))
        export_md = QAction(self.tr("Export as Markdown…"), menu)
        export_md.triggered.connect(lambda: self.export_requested.emit(conversation_id, "markdown"))
        export_json = QAction(self.tr("Export as JSON…"), menu)
        export_json.triggered.connect(lambda: self.export_requested.emit(conversation_id, "json"))
        delete = QAction(self.tr("Delete"), menu)
        delete.triggered.connect(lambda: self.delete_requested.emit(conversation_id))
        for action in (rename, export_md, export_json, delete):
            menu.addAction(action)
        menu.exec(self.list.viewport().mapToGlobal(position))
