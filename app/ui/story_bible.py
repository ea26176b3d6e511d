"""The writing desk's story bible: the draft's lorebook entries, edited and saved as you type.

The panel shows the bible of the open draft (the store's, shared or not) and writes every
change back about a second after the writer pauses, as the draft itself is saved. It follows
the store: an entry restored by Undo, a revision restored, or the same bible edited from
another draft's desk shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.lorebook import (
    DEFAULT_PRIORITY,
    POSITIONS,
    SCAN_CHARS_RANGE,
    LoreEntry,
    Lorebook,
    LorebookError,
    keys_text,
    parse_keys,
)
from app.core.lorebook_formats import load_lorebook, save_sillytavern
from app.core.store import Change, Store, StoreError, StoryBible
from app.ui.i18n import translated
from app.ui.store_calls import guarded

SAVE_DELAY_MS = 700  # an entry is saved this long after the writer pauses, as the draft is
PRIORITY_RANGE = (-1_000_000, 1_000_000)
_POSITION_NAMES = {
    "before_memory": QT_TRANSLATE_NOOP("StoryBible", "Before the memory"),
    "after_memory": QT_TRANSLATE_NOOP("StoryBible", "After the memory"),
    "authors_note": QT_TRANSLATE_NOOP("StoryBible", "With the author's note"),
}


def _untitled() -> str:
    return QCoreApplication.translate("StoryBible", "Untitled entry")


class StoryBiblePanel(QScrollArea):
    message = Signal(str)  # for the status bar
    undo_offered = Signal(str, object)  # text, callable that undoes
    edited = Signal()  # the bible the next continuation uses changed (typed or stored)

    def __init__(self, store: Store, ensure_document: Callable[[], int | None], parent: QWidget | None = None) -> None:
        """``ensure_document`` gives the open draft's id, starting a draft if none is open
        (as typing into an empty desk does), or None when the store refused."""
        super().__init__(parent)
        self.setObjectName("storyBible")
        self.setAccessibleName(self.tr("Story bible"))
        self.store = store
        self._ensure_document = ensure_document
        self.document_id: int | None = None
        self.bible: StoryBible | None = None
        self.entry_id: int | None = None  # the entry in the fields
        self._loading = False
        self._dirty = False  # the fields hold changes not yet saved
        self._settings_dirty = False
        self._build()
        unsubscribe = store.subscribe(self._on_store_change)
        self._unsubscribe = unsubscribe
        self.destroyed.connect(lambda *_: unsubscribe())
        self._show_entry(None)

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)

        self.add_button = _button(self.tr("Add"), "addEntryButton", self.tr("Add an entry: a character, a place, a rule of the world"))
        self.delete_button = _button(self.tr("Delete"), "deleteEntryButton", self.tr("Delete the entry (Undo brings it back)"))
        buttons = QGridLayout()
        buttons.addWidget(self.add_button, 0, 0)
        buttons.addWidget(self.delete_button, 0, 1)
        layout.addLayout(buttons)
        self.entry_list = QListWidget()
        self.entry_list.setObjectName("entryList")
        self.entry_list.setAccessibleName(self.tr("Story bible entries"))
        self.entry_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.entry_list.setMinimumHeight(90)
        layout.addWidget(self.entry_list, 1)

        self.name_edit = _line_edit("entryName", self.tr("Entry name"), self.tr("Name, e.g. Mara"))
        self.keys_edit = _line_edit("entryKeys", self.tr("Keys"), self.tr("玛拉, Mara, the keeper"))
        self.keys_edit.setToolTip(self.tr(
            "The entry goes into the prompt when one of these appears near the cursor or in the author's note. "
            "Separate them with commas. Case, full-width letters and Traditional or Simplified Chinese do not matter; "
            "English words match whole, Chinese anywhere."))
        self.content_edit = QPlainTextEdit()
        self.content_edit.setObjectName("entryContent")
        self.content_edit.setAccessibleName(self.tr("Entry text"))
        self.content_edit.setPlaceholderText(self.tr("What the model is told, e.g. “Mara keeps the lighthouse on Gull Rock.”"))
        self.content_edit.setMinimumHeight(70)
        self.enabled_box = _check_box("entryEnabled", self.tr("Enabled"))
        self.always_box = _check_box("entryAlwaysOn", self.tr("Always on"))
        self.always_box.setToolTip(self.tr("Sent with every continuation, whatever the story mentions"))
        self.priority_spin = _spin_box("entryPriority", self.tr("Priority"), *PRIORITY_RANGE)
        self.priority_spin.setToolTip(self.tr("Higher is kept first when the story bible's budget runs short"))
        self.position_chooser = QComboBox()
        self.position_chooser.setObjectName("entryPosition")
        self.position_chooser.setAccessibleName(self.tr("Place in the prompt"))
        self.position_chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.position_chooser.setMinimumContentsLength(8)
        for position in POSITIONS:
            self.position_chooser.addItem(QCoreApplication.translate("StoryBible", _POSITION_NAMES[position]), position)
        # One column of labels over fields: the panel shares the desk's narrowest column.
        for label, widget in ((self.tr("Name"), self.name_edit), (self.tr("Keys"), self.keys_edit),
                              (self.tr("Text"), self.content_edit)):
            layout.addWidget(_label(label))
            layout.addWidget(widget, 1 if widget is self.content_edit else 0)
        layout.addWidget(self.enabled_box)
        layout.addWidget(self.always_box)
        for label, widget in ((self.tr("Priority"), self.priority_spin), (self.tr("Place in the prompt"), self.position_chooser)):
            layout.addWidget(_label(label))
            layout.addWidget(widget)

        # The bible's own settings.
        self.scan_spin = _spin_box("scanChars", self.tr("Characters searched for keys"), *SCAN_CHARS_RANGE)
        self.scan_spin.setSingleStep(500)
        self.scan_spin.setToolTip(self.tr("Keys are looked for in this many characters before the cursor"))
        self.budget_spin = _spin_box("budgetPercent", self.tr("Share of the context"), 1, 100)
        self.budget_spin.setSuffix("%")
        self.budget_spin.setToolTip(self.tr("The most of the model's context the entries may take; past it, lower priorities are left out"))
        self.depth_spin = _spin_box("recursionDepth", self.tr("Entries calling up entries"), 0, 2)
        self.depth_spin.setToolTip(self.tr("0: only the draft and the author's note call up entries; 1 or 2: an entry's text may call up others"))
        layout.addWidget(_label(self.tr("For the whole story bible:"), bold=True))
        for label, spin in ((self.tr("Characters before the cursor searched for keys"), self.scan_spin),
                            (self.tr("Share of the context for entries"), self.budget_spin),
                            (self.tr("Entries calling up entries (depth)"), self.depth_spin)):
            layout.addWidget(_label(label))
            layout.addWidget(spin)

        self.import_button = _button(self.tr("Import…"), "importBibleButton", self.tr("Add the entries of a SillyTavern, Kobold Lite or NovelAI lorebook"))
        self.export_button = _button(self.tr("Export…"), "exportBibleButton", self.tr("Save the story bible as SillyTavern World Info"))
        self.share_button = _button(self.tr("Share with draft…"), "shareBibleButton", self.tr("Use the story bible of another draft, e.g. an earlier chapter"))
        files = QGridLayout()
        files.addWidget(self.import_button, 0, 0)
        files.addWidget(self.export_button, 0, 1)
        files.addWidget(self.share_button, 1, 0, 1, 2)
        layout.addLayout(files)
        self.sharing_label = _note_label("bibleSharing")
        self.notes_label = _note_label("bibleNotes")
        layout.addWidget(self.sharing_label)
        layout.addWidget(self.notes_label)
        self.setWidget(body)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        # Store changes come in the middle of a write: the panel catches up once control is
        # back in the event loop.
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload)

        self.add_button.clicked.connect(self.add_entry)
        self.delete_button.clicked.connect(self.delete_entry)
        self.import_button.clicked.connect(self.import_lorebook)
        self.export_button.clicked.connect(self.export_lorebook)
        self.share_button.clicked.connect(self.share_with_draft)
        self.entry_list.currentItemChanged.connect(self._on_entry_chosen)
        for signal in (self.name_edit.textChanged, self.keys_edit.textChanged, self.content_edit.textChanged,
                       self.enabled_box.toggled, self.always_box.toggled, self.priority_spin.valueChanged,
                       self.position_chooser.currentIndexChanged):
            signal.connect(self._on_field_edited)
        for spin in (self.scan_spin, self.budget_spin, self.depth_spin):
            spin.valueChanged.connect(self._on_settings_edited)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As wide as the fields need beside a scroll bar (nothing is cut off), as low as a
        small screen needs (the panel scrolls)."""
        hint = super().minimumSizeHint()
        return QSize(self.widget().minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width(), hint.height())

    # -- what the continuation uses ------------------------------------------------------

    def lorebook(self) -> Lorebook | None:
        """The bible as the next continuation uses it: as stored, with what is being typed
        into the fields and settings (saved a moment later); None without a bible."""
        if self.bible is None:
            return None
        book = self.bible.lorebook
        entry = self._entry_in_fields()
        if entry is not None:
            book = replace(book, entries=tuple(entry if stored.id == entry.id else stored for stored in book.entries))
        return self._with_settings(book)

    def _with_settings(self, book: Lorebook) -> Lorebook:
        try:
            return replace(book, scan_chars=self.scan_spin.value(), recursion_depth=self.depth_spin.value(),
                           budget_fraction=self.budget_spin.value() / 100)
        except LorebookError:
            return book

    def _entry_in_fields(self) -> LoreEntry | None:
        """The entry as the fields show it; what they do not show (secondary keys brought
        in by an import) stays as stored."""
        if self.entry_id is None:
            return None
        entries = self.bible.lorebook.entries if self.bible else ()
        stored = next((entry for entry in entries if entry.id == self.entry_id), LoreEntry(id=self.entry_id))
        return replace(
            stored, name=self.name_edit.text().strip(), keys=parse_keys(self.keys_edit.text()),
            content=self.content_edit.toPlainText(), enabled=self.enabled_box.isChecked(),
            always_on=self.always_box.isChecked(), priority=self.priority_spin.value(),
            position=self.position_chooser.currentData())

    # -- the open draft ------------------------------------------------------------------

    def set_document(self, document_id: int | None) -> None:
        """Shows the bible of ``document_id`` (None: no draft open)."""
        self.flush()
        self.document_id = document_id
        self.notes_label.clear()
        self.notes_label.hide()
        self.entry_id = None
        self.reload(force=True)

    def reload(self, force: bool = False) -> None:
        """Reads the bible again and shows what changed (``force``: shows it all anew); the
        entry in the fields stays, and what is being typed into them is not overwritten."""
        bible = None
        if self.document_id is not None:
            try:
                bible = self.store.story_bible(self.document_id)
            except StoreError as error:
                self.message.emit(translated(error))
                return
        if bible == self.bible and not force:
            return  # e.g. the draft's text was saved: nothing here changed
        self.bible = bible
        entries = bible.lorebook.entries if bible else ()
        ids = [entry.id for entry in entries]
        if self.entry_id not in ids:
            self.entry_id = None
            self._dirty = False
        listed = [self.entry_list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.entry_list.count())]
        self.entry_list.blockSignals(True)
        try:
            if listed != ids:
                self.entry_list.clear()
                for entry in entries:
                    item = QListWidgetItem()
                    item.setData(Qt.ItemDataRole.UserRole, entry.id)
                    self.entry_list.addItem(item)
            typed = self._entry_in_fields() if self._dirty else None
            for row, entry in enumerate(entries):
                self._show_title(self.entry_list.item(row), typed if typed is not None and typed.id == entry.id else entry)
        finally:
            self.entry_list.blockSignals(False)
        if self.entry_id is None and ids:
            self.entry_id = ids[0]
        current = next((entry for entry in entries if entry.id == self.entry_id), None)
        if not self._dirty:
            self._show_entry(current)
        self._select(self.entry_id)
        if not self._settings_dirty:
            self._show_settings(bible.lorebook if bible else Lorebook())
        others = len(bible.document_ids) - 1 if bible else 0
        self.sharing_label.setText(self.tr("Shared with {count} other drafts.").format(count=others) if others > 0 else "")
        self.sharing_label.setVisible(others > 0)
        self.delete_button.setEnabled(self.entry_id is not None)
        self.export_button.setEnabled(bool(entries))
        self.edited.emit()

    def _show_title(self, item: QListWidgetItem, entry: LoreEntry) -> None:
        title = entry.title or _untitled()
        if not entry.enabled:
            title = self.tr("{title} (off)").format(title=title)
        if item.text() != title:
            item.setText(title)

    def _select(self, entry_id: int | None) -> None:
        self.entry_list.blockSignals(True)
        try:
            for row in range(self.entry_list.count()):
                item = self.entry_list.item(row)
                if item.data(Qt.ItemDataRole.UserRole) == entry_id:
                    self.entry_list.setCurrentItem(item)
                    return
            self.entry_list.setCurrentItem(None)
        finally:
            self.entry_list.blockSignals(False)

    def _show_entry(self, entry: LoreEntry | None) -> None:
        self._loading = True
        try:
            shown = entry or LoreEntry()
            for widget, text in ((self.name_edit, shown.name), (self.keys_edit, keys_text(shown.keys))):
                if widget.text() != text:
                    widget.setText(text)
            if self.content_edit.toPlainText() != shown.content:
                self.content_edit.setPlainText(shown.content)
            self.enabled_box.setChecked(shown.enabled)
            self.always_box.setChecked(shown.always_on)
            self.priority_spin.setValue(shown.priority if entry else DEFAULT_PRIORITY)
            self.position_chooser.setCurrentIndex(self.position_chooser.findData(shown.position))
        finally:
            self._loading = False
        for widget in (self.name_edit, self.keys_edit, self.content_edit, self.enabled_box, self.always_box,
                       self.priority_spin, self.position_chooser):
            widget.setEnabled(entry is not None)

    def _show_settings(self, book: Lorebook) -> None:
        self._loading = True
        try:
            self.scan_spin.setValue(book.scan_chars)
            self.budget_spin.setValue(round(book.budget_fraction * 100))
            self.depth_spin.setValue(book.recursion_depth)
        finally:
            self._loading = False

    def _on_store_change(self, change: Change) -> None:
        bible_id = self.bible.id if self.bible else None
        if (change.kind == "lore_entries" and bible_id in change.owner_ids
                or change.kind == "lorebooks" and bible_id in change.ids
                or change.kind == "documents" and self.document_id in change.ids):
            self._reload_timer.start()

    # -- editing -------------------------------------------------------------------------

    def _on_entry_chosen(self, current: QListWidgetItem | None, _previous) -> None:
        self.flush()
        self.entry_id = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        entries = self.bible.lorebook.entries if self.bible else ()
        self._show_entry(next((entry for entry in entries if entry.id == self.entry_id), None))
        self.delete_button.setEnabled(self.entry_id is not None)

    def _on_field_edited(self) -> None:
        if self._loading or self.entry_id is None:
            return
        self._dirty = True
        self._save_timer.start()
        item = self.entry_list.currentItem()
        entry = self._entry_in_fields()
        if item is not None and entry is not None:
            self._show_title(item, entry)
        self.edited.emit()

    def _on_settings_edited(self) -> None:
        if self._loading:
            return
        self._settings_dirty = True
        self._save_timer.start()
        self.edited.emit()

    def flush(self) -> None:
        """Saves what the fields and settings hold now, if it changed."""
        self._save_timer.stop()
        entry = self._entry_in_fields() if self._dirty else None
        self._dirty = False
        if entry is not None:
            self._write(lambda: self.store.update_lore_entry(entry))
        if self._settings_dirty:
            self._settings_dirty = False
            bible = self._bible_for_writing()
            if bible is not None:
                book = self._with_settings(bible.lorebook)
                self._write(lambda: self.store.update_story_bible(
                    bible.id, scan_chars=book.scan_chars, budget_fraction=book.budget_fraction,
                    recursion_depth=book.recursion_depth))

    def _bible_for_writing(self) -> StoryBible | None:
        """The open draft's bible, made (and the draft started) if there is none yet."""
        if self.bible is not None:
            return self.bible
        document_id = self._ensure_document()
        if document_id is None:
            return None
        if document_id != self.document_id:
            self.document_id = document_id
        bible = self._write(lambda: self.store.create_story_bible(document_id))
        if bible:
            self.bible = bible
        return self.bible

    def add_entry(self) -> None:
        self.flush()
        bible = self._bible_for_writing()
        if bible is None:
            return
        entry = self._write(lambda: self.store.add_lore_entry(bible.id, LoreEntry()))
        if entry:
            self.entry_id = entry.id
            self.reload(force=True)
            self.name_edit.setFocus()

    def delete_entry(self) -> None:
        entry_id = self.entry_id
        if entry_id is None:
            return
        self.flush()
        entry = next((entry for entry in self.bible.lorebook.entries if entry.id == entry_id), None) if self.bible else None
        if not self._write(lambda: self.store.delete_lore_entry(entry_id)):
            return
        self.entry_id = None
        self.reload(force=True)
        title = (entry.title if entry else "") or _untitled()
        self.undo_offered.emit(self.tr("Deleted the entry “{title}”.").format(title=title),
                               lambda: self._write(lambda: self.store.restore_lore_entry(entry_id)))

    # -- other books ---------------------------------------------------------------------

    def import_lorebook(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a lorebook"), str(Path.home()),
            self.tr("Lorebooks (*.json *.lorebook);;All files (*)"))
        if not path:
            return
        try:
            book, notes = load_lorebook(path)
        except LorebookError as error:
            self.message.emit(translated(error))
            return
        self.flush()
        bible = self._bible_for_writing()
        if bible is None:
            return
        was_empty = not bible.lorebook.entries
        added = self._write(lambda: self.store.add_lore_entries(bible.id, book.entries))
        if not added:
            return
        if was_empty:  # a new bible takes the imported book's settings too
            self._write(lambda: self.store.update_story_bible(
                bible.id, scan_chars=book.scan_chars, budget_fraction=book.budget_fraction, recursion_depth=book.recursion_depth))
        self.entry_id = added[0].id if added else self.entry_id
        self.reload(force=True)
        name = Path(path).name
        self.notes_label.setText("\n".join([self.tr("Imported from {file}:").format(file=name), *(f"• {translated(note)}" for note in notes)])
                                 if notes else "")
        self.notes_label.setVisible(bool(notes))
        ids = [entry.id for entry in added]

        def undo() -> None:
            for entry_id in ids:
                if not self._write(lambda entry_id=entry_id: self.store.delete_lore_entry(entry_id)):
                    return

        self.undo_offered.emit(self.tr("Imported {count} entries from {file}.").format(count=len(ids), file=name), undo)

    def export_lorebook(self) -> None:
        self.flush()
        book = self.lorebook()
        if book is None:
            return
        title = ""
        if self.document_id is not None:
            try:
                title = self.store.get_document(self.document_id).title
            except StoreError:
                title = ""
        name = book.name or title
        default = str(Path.home() / f"{_file_name(name)}.json")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the story bible"), default,
                                              self.tr("SillyTavern World Info (*.json)"))
        if not path:
            return
        try:
            save_sillytavern(replace(book, name=name), Path(path))
        except OSError as error:
            self.message.emit(self.tr("The story bible could not be saved to {path}: {error}").format(
                path=path, error=error.strerror or str(error)))
            return
        self.message.emit(self.tr("Saved {count} entries to {path}.").format(count=len(book.entries), path=path))

    def share_with_draft(self) -> None:
        self.flush()
        document_id = self._ensure_document()
        if document_id is None:
            return
        try:
            others = [(other, title) for other, title in self.store.document_titles() if other != document_id]
        except StoreError as error:
            self.message.emit(translated(error))
            return
        if not others:
            self.message.emit(self.tr("There is no other draft to share a story bible with."))
            return
        dialog = ShareDialog(others, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        self.share_with(document_id, dialog.chosen)

    def share_with(self, document_id: int, other_id: int) -> None:
        """The draft uses ``other_id``'s story bible from now on; Undo puts its own back."""
        self.document_id = document_id
        previous = self.bible.id if self.bible else None
        if not self._write(lambda: self.store.share_story_bible(document_id, other_id)):
            return
        self.entry_id = None
        self.reload(force=True)
        title = dict(self._read(self.store.document_titles) or []).get(other_id) or self.tr("another draft")

        def undo() -> None:
            self._write(lambda: self.store.use_story_bible(document_id, previous))

        self.undo_offered.emit(self.tr("This draft now uses the story bible of “{title}”.").format(title=title), undo)

    # -- helpers -------------------------------------------------------------------------

    def _write(self, change: Callable):
        return guarded(change, self.message.emit, write=True)

    def _read(self, read: Callable):
        return guarded(read, self.message.emit)

    def close_panel(self) -> None:
        self.flush()
        self._unsubscribe()


class ShareDialog(QDialog):
    """Picks the draft whose story bible to use."""

    def __init__(self, drafts: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareBibleDialog")
        self.setWindowTitle(self.tr("Share a story bible"))
        self.chosen: int | None = None
        self.list = QListWidget()
        self.list.setObjectName("shareDraftList")
        self.list.setAccessibleName(self.tr("Drafts"))
        for document_id, title in drafts:
            item = QListWidgetItem(title or QCoreApplication.translate("WritingDesk", "Untitled draft"))
            item.setData(Qt.ItemDataRole.UserRole, document_id)
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.currentItemChanged.connect(lambda item, _: setattr(self, "chosen", item.data(Qt.ItemDataRole.UserRole) if item else None))
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        explanation = QLabel(self.tr("This draft will use the story bible of the draft you pick, and both will see every change to it. "
                                     "Its own story bible is kept: Undo brings it back."))
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        layout.addWidget(self.list)
        layout.addWidget(buttons)


def _button(text: str, name: str, tip: str) -> QToolButton:
    """A button as narrow as its text (a push button is at least 80 pixels wide)."""
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setAccessibleName(text.rstrip("…"))
    button.setToolTip(tip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


def _label(text: str, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)  # in Chinese as in English, a long label takes lines, not width
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def _line_edit(name: str, accessible: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


def _check_box(name: str, text: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(text)
    return box


def _spin_box(name: str, accessible: str, low: int, high: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setAccessibleName(accessible)
    spin.setRange(low, high)
    return spin


def _note_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _file_name(title: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip()
    return cleaned[:60] or "story-bible"
