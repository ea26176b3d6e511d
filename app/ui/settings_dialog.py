"""Settings (Ctrl+,): a form built from the settings schema, one widget per option."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.samplers import SamplerPreset
from app.core.settings import OPTIONS, Option, Settings, SettingsError
from app.core.settings import option as option_named
from app.ui.i18n import translated
from app.ui.preset_editor import PresetEditor, shown_preset_name

_CONTEXT = "SettingsDialog"
_TABS = (
    ("engine.", QT_TRANSLATE_NOOP("SettingsDialog", "Engine")),
    ("sampler.", QT_TRANSLATE_NOOP("SettingsDialog", "Samplers")),
    ("ui.", QT_TRANSLATE_NOOP("SettingsDialog", "Interface")),
)
# The default model is chosen on the Models page.
_NOT_SHOWN = {"models.default_path"}
_AUTOMATIC = {
    "engine.context_length": QT_TRANSLATE_NOOP("SettingsDialog", "Automatic"),
    "engine.threads": QT_TRANSLATE_NOOP("SettingsDialog", "Automatic"),
}
_CHOICE_LABELS = {
    "auto": QT_TRANSLATE_NOOP("SettingsDialog", "Auto"),
    "on": QT_TRANSLATE_NOOP("SettingsDialog", "On"),
    "off": QT_TRANSLATE_NOOP("SettingsDialog", "Off"),
    "all": QT_TRANSLATE_NOOP("SettingsDialog", "All"),
    "system": QT_TRANSLATE_NOOP("SettingsDialog", "Follow the system"),
    "light": QT_TRANSLATE_NOOP("SettingsDialog", "Light"),
    "dark": QT_TRANSLATE_NOOP("SettingsDialog", "Dark"),
    # Language names are shown in their own language, never translated.
    "en": "English", "zh_CN": "简体中文",
    "f16": "f16", "q8_0": "q8_0", "q4_0": "q4_0",
}
_UNTRANSLATED_CHOICES = {"en", "zh_CN", "f16", "q8_0", "q4_0"}


def _translate(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def choice_label(choice: str) -> str:
    """The shown label of a choice value (the value itself is what the settings keep)."""
    label = _CHOICE_LABELS.get(choice, choice)
    return label if choice in _UNTRANSLATED_CHOICES or choice not in _CHOICE_LABELS else _translate(label)


def widget_name(key: str) -> str:
    return "setting_" + key.replace(".", "_")


class SettingsDialog(QDialog):
    """Edits a copy of the settings; ``result_settings`` holds the accepted ones. Invalid
    values are refused with a message and the dialog stays open. With ``config_dir`` the
    Samplers tab also edits the presets themselves (saved at once, whatever the dialog's end)."""

    def __init__(self, settings: Settings, sampler_names: list[str], backend_text: str, parent: QWidget | None = None,
                 *, config_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(600, screen.width()), min(560 if config_dir else 480, screen.height()))
        self._settings = settings
        self.result_settings: Settings | None = None
        self.widgets: dict[str, QWidget] = {}
        tabs = QTabWidget()
        tabs.setObjectName("settingsTabs")
        forms: dict[str, QFormLayout] = {}
        for prefix, title in _TABS:
            page = QWidget()
            if prefix == "sampler.":  # the choosers, then the preset editor: tall, so it scrolls
                samplers = QVBoxLayout(page)
                forms[prefix] = QFormLayout()
                samplers.addLayout(forms[prefix])
                scroll = QScrollArea()
                scroll.setObjectName("samplersScroll")
                scroll.setWidgetResizable(True)
                scroll.setFrameShape(QFrame.Shape.NoFrame)
                scroll.setWidget(page)
                tabs.addTab(scroll, _translate(title))
            else:
                forms[prefix] = QFormLayout(page)
                tabs.addTab(page, _translate(title))
        for option in self.shown_options():
            prefix = next(p for p, _ in _TABS if option.key.startswith(p))
            widget = self._make_widget(option, sampler_names)
            widget.setObjectName(widget_name(option.key))
            label = translated(option.label)
            widget.setAccessibleName(label)
            widget.setToolTip(translated(option.help) + ("\n" + self.tr("Applies when the model is loaded again.") if option.needs_reload else ""))
            self.widgets[option.key] = widget
            forms[prefix].addRow(label, widget)
        self.backend_info = QLabel(backend_text)
        self.backend_info.setObjectName("backendInfo")
        self.backend_info.setWordWrap(True)
        self.backend_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        forms["engine."].addRow(self.backend_info)
        self.error = QLabel("")
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet("color: #b42318;")
        self.error.setWordWrap(True)
        self.preset_editor: PresetEditor | None = None
        if config_dir is not None:
            self.preset_editor = PresetEditor(config_dir)
            self.preset_editor.problem.connect(self.error.setText)
            self.preset_editor.presets_changed.connect(self._refresh_sampler_choosers)
            self.preset_editor.select(str(self.value_of("sampler.chat")))
            group = QGroupBox(self.tr("Edit the presets"))
            QVBoxLayout(group).addWidget(self.preset_editor)
            samplers.addWidget(group)
        samplers.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("settingsOkButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("settingsCancelButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @staticmethod
    def shown_options() -> list[Option]:
        return [option for option in OPTIONS
                if option.key not in _NOT_SHOWN and any(option.key.startswith(p) for p, _ in _TABS)]

    def _make_widget(self, option: Option, sampler_names: list[str]) -> QWidget:
        value = self._settings.get(option.key)
        if option.type is bool:
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if option.key.startswith("sampler."):
            combo = QComboBox()
            self._fill_sampler_chooser(combo, sampler_names, str(value), str(option.default))
            return combo
        if option.choices:
            combo = QComboBox()
            for choice in option.choices:
                combo.addItem(choice_label(choice), choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        if option.type is int:
            spin = QSpinBox()
            spin.setRange(int(option.minimum if option.minimum is not None else 0),
                          int(option.maximum if option.maximum is not None else 2**31 - 1))
            if option.key in _AUTOMATIC:
                spin.setSpecialValueText(_translate(_AUTOMATIC[option.key]))
            if option.key == "engine.context_length":
                spin.setSingleStep(1024)  # from Automatic (0) straight to a usable length
            spin.setValue(int(value))
            return spin
        # Free text with suggestions, e.g. GPU offload: auto / all / off / a number of layers.
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(["auto", "all", "off"])
        combo.setCurrentText(str(value))
        return combo

    @staticmethod
    def _fill_sampler_chooser(combo: QComboBox, names: list[str], chosen: str, default: str) -> None:
        """Built-in presets shown translated, each kept by its own name; the chosen one, else
        the option's default when the chosen one is gone."""
        combo.clear()
        for name in names:
            combo.addItem(shown_preset_name(name), name)
        for wanted in (chosen, default):
            index = combo.findData(wanted, flags=Qt.MatchFlag.MatchFixedString)
            if index >= 0:
                combo.setCurrentIndex(index)
                return
        combo.setCurrentIndex(0 if combo.count() else -1)

    def _refresh_sampler_choosers(self, presets: list[SamplerPreset]) -> None:
        """After the editor saved or deleted a preset: the new lists, each keeping its choice."""
        names = [preset.name for preset in presets]
        for key, widget in self.widgets.items():
            if key.startswith("sampler.") and isinstance(widget, QComboBox):
                self._fill_sampler_chooser(widget, names, str(widget.currentData()), str(option_named(key).default))

    def value_of(self, key: str) -> object:
        widget = self.widgets[key]
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QComboBox) and widget.currentData() is not None and not widget.isEditable():
            return widget.currentData()
        return widget.currentText()

    def accept(self) -> None:
        candidate = self._settings.copy()
        try:
            for option in self.shown_options():
                candidate.set(option.key, self.value_of(option.key))
        except SettingsError as error:
            self.error.setText(translated(error))
            return
        self.result_settings = candidate
        super().accept()
