"""Small widget helpers shared by the windows."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton


def make_button(text: str, name: str, tip: str) -> QPushButton:
    """A push button with the objectName and accessibleName that tests and screen readers use."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.rstrip("…"))
    button.setToolTip(tip)
    return button
