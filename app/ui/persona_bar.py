"""The conversation's persona and system prompt: a chooser, the prompt's box (shown on
request) and saving a prompt as a new persona."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.core.personas import Persona, all_personas, save_user_persona
from app.ui.i18n import translated
from app.ui.widgets import make_button


class PersonaBar(QWidget):
    prompt_changed = Signal(str, str)  # the user changed the system prompt: (text, persona name)
    problem = Signal(str)  # a persona file could not be read or saved

    def __init__(self, config_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config_dir = config_dir
        self.personas: dict[str, Persona] = {}
        self.chooser = QComboBox()
        self.chooser.setObjectName("personaChooser")
        self.chooser.setAccessibleName(self.tr("Persona"))
        self.chooser.setToolTip(self.tr("A persona sets the conversation's system prompt"))
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(12)
        self.prompt_button = make_button(self.tr("System prompt"), "systemPromptButton", self.tr("Show or hide the system prompt"))
        self.prompt_button.setCheckable(True)
        self.save_button = make_button(self.tr("Save as persona…"), "savePersonaButton", self.tr("Keep this system prompt as a persona"))
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setObjectName("systemPromptEdit")
        self.prompt_edit.setAccessibleName(self.tr("System prompt"))
        self.prompt_edit.setPlaceholderText(self.tr("Instructions the model follows in this conversation"))
        self.prompt_edit.setMaximumHeight(90)
        self.prompt_edit.hide()
        self.save_button.hide()
        self.load_personas()

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Persona:")))
        row.addWidget(self.chooser)
        row.addWidget(self.prompt_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.prompt_edit)
        # The system prompt is written, then saved: Tab reaches its box before its Save button.
        QWidget.setTabOrder(self.prompt_edit, self.save_button)

        self.chooser.activated.connect(self._on_chosen)
        self.prompt_button.toggled.connect(self._toggle)
        self.prompt_edit.textChanged.connect(self._on_edited)
        self.save_button.clicked.connect(self.save_persona)

    def load_personas(self) -> None:
        personas, problem = all_personas(self.config_dir)
        self.personas = {p.name: p for p in personas}
        self.chooser.clear()
        for name in self.personas:  # shown in the interface's language, stored by its own name
            self.chooser.addItem(translated(name), name)
        if problem:
            self.problem.emit(translated(problem))

    def system_prompt(self) -> str:
        return self.prompt_edit.toPlainText()

    def persona(self) -> str:
        """The chosen persona's own name (the chooser shows built-in ones translated)."""
        return self.chooser.currentData() or ""

    def show_prompt(self, text: str, persona: str) -> None:
        """Shows a conversation's prompt (without announcing a change)."""
        self.prompt_edit.blockSignals(True)
        self.prompt_edit.setPlainText(text)
        self.prompt_edit.blockSignals(False)
        # A prompt that matches no persona (edited, or a deleted persona) shows no persona.
        index = self.chooser.findData(persona) if persona else (0 if not text else -1)
        self.chooser.setCurrentIndex(index)

    def _on_chosen(self, index: int) -> None:
        persona = self.personas.get(self.chooser.itemData(index))
        if persona is not None:
            self.prompt_edit.blockSignals(True)
            self.prompt_edit.setPlainText(persona.system_prompt)
            self.prompt_edit.blockSignals(False)
            self.prompt_changed.emit(persona.system_prompt, persona.name)

    def _on_edited(self) -> None:
        current = self.personas.get(self.persona())
        if current is not None and current.system_prompt != self.system_prompt():
            self.chooser.setCurrentIndex(-1)  # a custom prompt, no longer the persona
        self.prompt_changed.emit(self.system_prompt(), self.persona())

    def _toggle(self, shown: bool) -> None:
        self.prompt_edit.setVisible(shown)
        self.save_button.setVisible(shown)
        if shown:
            self.prompt_edit.setFocus()

    def save_persona(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save as persona"), self.tr("Name of the persona:"))
        if not ok or not name.strip():
            return
        try:
            save_user_persona(self.config_dir, name, self.system_prompt())
        except (OSError, ValueError) as error:
            self.problem.emit(self.tr("The persona could not be saved: {error}").format(error=translated(error)))
            return
        self.load_personas()
        self.chooser.setCurrentIndex(self.chooser.findData(name.strip()))
        self.prompt_changed.emit(self.system_prompt(), name.strip())
