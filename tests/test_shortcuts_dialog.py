"""Help → Keyboard shortcuts (F1): the table fits the dialog's width, wrapping long actions."""

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle, QWidget

from app.ui.shortcuts_dialog import ShortcutsDialog

LONG = ("Export the conversation, with every alternative reply and the reasoning that came "
        "with it, as a Markdown file")


def make_actions(owner: QWidget) -> list[QAction]:
    actions = []
    for text, keys in (("&New conversation", "Ctrl+N"), (LONG, "Ctrl+Shift+E"), ("&Settings…", "Ctrl+,"),
                       ("No shortcut", "")):
        action = QAction(text, owner)
        action.setShortcut(QKeySequence(keys))
        actions.append(action)
    return actions


def rows_that_do_not_fit(table) -> list[str]:
    """The rows whose text, wrapped to its column, is taller than the row."""
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    metrics = QFontMetrics(table.font())
    short = []
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            text = table.item(row, column).text()
            width = table.columnWidth(column) - margin
            needed = metrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text).height()
            if needed > table.rowHeight(row):
                short.append(f"{text!r}: {needed} px in a row of {table.rowHeight(row)}")
    return short


def settle(qtbot, dialog) -> None:
    QApplication.processEvents()
    qtbot.wait(50)  # the header lays its sections out in a posted event
    QApplication.processEvents()


def test_no_horizontal_scrollbar_and_wrapped_rows_fit(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    dialog = ShortcutsDialog(make_actions(owner))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(qtbot, dialog)
    table = dialog.table
    texts = [table.item(row, 1).text() for row in range(table.rowCount())]
    assert LONG in texts and "New conversation" in texts and "No shortcut" not in texts
    available = dialog.screen().availableGeometry()
    assert dialog.width() <= available.width() and dialog.height() <= available.height()
    for width in (dialog.width(), 420, 700, 420):
        dialog.resize(width, dialog.height())
        settle(qtbot, dialog)
        assert table.horizontalScrollBar().maximum() == 0, f"at {width} px"
        # The Keys column shows its keys whole; the Action column takes the rest.
        keys_needed = max(table.sizeHintForColumn(0), table.horizontalHeader().sectionSizeHint(0))
        assert table.columnWidth(0) >= keys_needed
        assert table.columnWidth(0) + table.columnWidth(1) <= table.viewport().width()
        assert rows_that_do_not_fit(table) == [], f"at {width} px"
    # At 420 px the long action cannot be on one line: its row is taller than a one-line row.
    long_row = texts.index(LONG)
    assert table.rowHeight(long_row) > table.rowHeight(texts.index("New conversation"))
