"""Light and dark colours: the Fusion style with a palette of our own, so the app looks the
same on every platform and the chat view, code blocks and ghost text stay readable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

_DARK = {
    QPalette.ColorRole.Window: "#25262b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1c1d21",
    QPalette.ColorRole.AlternateBase: "#2c2e33",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2f3136",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.Highlight: "#3d6fb6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2f3136",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8a8d93",
    QPalette.ColorRole.Link: "#8ab4f8",
}


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(choice: str) -> bool:
    """Applies "light", "dark" or "system"; returns whether the result is dark."""
    app = QApplication.instance()
    dark = choice == "dark" or (choice == "system" and system_prefers_dark())
    style = QStyleFactory.create("Fusion")
    if style is not None:
        app.setStyle(style)
    palette = app.style().standardPalette()
    if dark:
        for role, color in _DARK.items():
            palette.setColor(role, QColor(color))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b6e74"))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b6e74"))
    app.setPalette(palette)
    return dark


def is_dark() -> bool:
    return QApplication.instance().palette().color(QPalette.ColorRole.Base).lightness() < 128


def role_color(role: str) -> str:
    dark = is_dark()
    colors = {
        "user": "#8ab4f8" if dark else "#2f6fb3",
        "assistant": "#c3a6f7" if dark else "#7a4fb0",
        "notice": "#f0b35e" if dark else "#a05a00",
    }
    return colors.get(role, "#9a9a9a" if dark else "#555555")


def code_background() -> str:
    return "#2c2e33" if is_dark() else "#f4f5f7"


def code_style() -> str:
    """The pygments style for code blocks."""
    return "monokai" if is_dark() else "default"
