"""Every interactive widget has a name for screen readers (and for these tests)."""

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextBrowser,
)

INTERACTIVE = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QListWidget, QPlainTextEdit, QTextBrowser)


def test_every_interactive_widget_has_an_accessible_name(make_window, app_paths):
    window = make_window(app_paths, load=False)
    unnamed = []
    for kind in INTERACTIVE:
        for widget in window.findChildren(kind):
            if widget.objectName().startswith("qt_") or (type(widget).__module__.startswith("PySide6") and not widget.objectName()):
                continue  # Qt's own parts (the menu bar's overflow button, a spin box's line edit…)
            if not widget.accessibleName():
                unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert unnamed == []
