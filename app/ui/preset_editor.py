"""Settings → Samplers: the values of a sampler preset, edited in place. Save writes the user's
preset of that name (for a built-in one, the user's own version, which replaces it until they
restore the default); Save as new… keeps the values under a new name; Delete takes a preset of
their own away, with Undo."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.samplers import (
    FieldLimit,
    SamplerPreset,
    all_presets,
    builtin_presets,
    delete_user_preset,
    field_limits,
    find_preset,
    save_user_preset,
)
from app.core.settings import SettingsError
from app.ui.i18n import translated
from app.ui.widgets import UndoButton, make_button

_MOST_DECIMALS = 6
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


@cache
def _builtin_names() -> dict[str, str]:
    return {preset.name.casefold(): preset.name for preset in builtin_presets()}


def shown_preset_name(name: str) -> str:
    """A built-in preset's name in the interface's language (also when the user's own version
    replaces it), any other as its owner typed it."""
    builtin = _builtin_names().get(name.strip().casefold())
    return translated(builtin) if builtin is not None else name


def stops_as_text(stops: tuple[str, ...]) -> str:
    """One stop sequence a line; a line break inside one is written \\n, a tab \\t, a backslash \\\\."""
    return "\n".join(s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t") for s in stops)


def stops_from_text(text: str) -> tuple[str, ...]:
    """The reverse of stops_as_text; empty lines are no stop sequence. A backslash before any
    other character stays as it is."""
    stops = []
    for line in text.split("\n"):
        out, index = [], 0
        while index < len(line):
            if line[index] == "\\" and index + 1 < len(line) and line[index + 1] in _ESCAPES:
                out.append(_ESCAPES[line[index + 1]])
                index += 2
            else:
                out.append(line[index])
                index += 1
        if out:
            stops.append("".join(out))
    return tuple(stops)


def _decimals(value: float) -> int:
    """Enough decimals to show ``value`` exactly (a hand-edited 0.925 is not rounded on save)."""
    text = repr(float(value))
    if "e" in text:
        return _MOST_DECIMALS
    return min(_MOST_DECIMALS, max(2, len(text.partition(".")[2].rstrip("0"))))


class NumberBox(QDoubleSpinBox):
    """One numeric field within its limits. With ``special`` (the seed), the value just below the
    range shows that text and means None; an emptied box means it too."""

    def __init__(self, limit: FieldLimit, special: str = "") -> None:
        super().__init__()
        self.limit = limit
        self.special = special
        self.setDecimals(0 if limit.whole else 2)
        low = limit.minimum - 1 if special else limit.minimum
        self.setRange(low, limit.maximum)
        if special:
            self.setSpecialValueText(special)
            self.editingFinished.connect(self._name_special)
        if not limit.whole:
            self.setSingleStep(0.05 if limit.maximum - limit.minimum >= 2 else 0.01)

    def _means_special(self, text: str) -> bool:
        return bool(self.special) and text.strip() in ("", self.special)

    def validate(self, text: str, pos: int) -> object:
        if self._means_special(text):
            return QValidator.State.Acceptable, text, pos
        return super().validate(text, pos)

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        return self.minimum() if self._means_special(text) else super().valueFromText(text)

    def _name_special(self) -> None:
        if self.value() == self.minimum() and not self.lineEdit().text().strip():
            self.lineEdit().setText(self.special)  # an emptied box says what it means

    def set_field(self, value: float | None) -> None:
        if value is None:
            self.setValue(self.minimum())
            return
        if not self.limit.whole:
            self.setDecimals(_decimals(value))
        self.setValue(value)

    def field(self) -> float | int | None:
        if self.special and self.value() == self.minimum():
            return None
        return int(round(self.value())) if self.limit.whole else self.value()


class PresetEditor(QWidget):
    """Edits the preset chosen in its own chooser. ``presets_changed`` carries the presets after
    a save or a deletion; ``problem`` says why one failed ("" once one worked), and the values
    typed stay in the fields."""

    presets_changed = Signal(list)
    problem = Signal(str)

    def __init__(self, config_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetEditor")
        self.config_dir = config_dir
        self.presets: list[SamplerPreset] = []
        self._shown: SamplerPreset | None = None
        self.chooser = QComboBox()
        self.chooser.setObjectName("presetEditorChooser")
        self.chooser.setAccessibleName(self.tr("Preset to edit"))
        self.chooser.setToolTip(self.tr("The sampler preset whose values are shown below"))
        self.chooser.currentIndexChanged.connect(self._on_chosen)
        self.status = QLabel("")
        self.status.setObjectName("presetEditorStatus")
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Preset"), self.chooser)
        form.addRow(self.status)
        self.fields: dict[str, NumberBox] = {}
        for name, limit in field_limits().items():
            box = NumberBox(limit, self.tr("Random") if name == "seed" else "")
            label = translated(limit.label)
            box.setObjectName(f"presetField_{name}")
            box.setAccessibleName(label)
            box.setToolTip(self._allowed(limit))
            box.valueChanged.connect(self._show_status)
            self.fields[name] = box
            form.addRow(label, box)
        self.stop_edit = QPlainTextEdit()
        self.stop_edit.setObjectName("presetField_stop")
        self.stop_edit.setAccessibleName(self.tr("Stop sequences"))
        self.stop_edit.setToolTip(self.tr(
            "The reply ends before any of these texts. One a line; inside one, {newline} is a line "
            "break, {tab} a tab and {backslash} a backslash.").format(newline="\\n", tab="\\t", backslash="\\\\"))
        self.stop_edit.setTabChangesFocus(True)
        self.stop_edit.setFixedHeight(self.stop_edit.fontMetrics().lineSpacing() * 4 + 12)
        self.stop_edit.textChanged.connect(self._show_status)
        form.addRow(self.tr("Stop sequences"), self.stop_edit)
        self.save_button = make_button(self.tr("Save"), "savePresetButton",
                                       self.tr("Keep these values in this preset"))
        self.save_as_button = make_button(self.tr("Save as new…"), "savePresetAsButton",
                                          self.tr("Keep these values as a new preset with a name of your choice"))
        self.delete_button = make_button(self.tr("Delete"), "deletePresetButton", "")
        self.undo_button = UndoButton(self)
        self.undo_button.setObjectName("presetUndoButton")
        self.save_button.clicked.connect(self.save)
        self.save_as_button.clicked.connect(self.save_as)
        self.delete_button.clicked.connect(self.delete)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.save_as_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.undo_button)
        self.reload()

    def _allowed(self, limit: FieldLimit) -> str:
        low, high = (f"{value:g}" if not limit.whole else str(int(value)) for value in (limit.minimum, limit.maximum))
        template = (self.tr("{label}: a whole number from {low} to {high}{note}") if limit.whole
                    else self.tr("{label}: a number from {low} to {high}{note}"))
        return template.format(label=translated(limit.label), low=low, high=high,
                               note=translated(limit.note) if limit.note else "")

    # -- which preset -----------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        """Reads the presets again and shows ``select`` (else the one shown, else the first)."""
        presets, problem = all_presets(self.config_dir)
        if problem:
            self.problem.emit(translated(problem))
        self.presets = presets
        if select is None and self._shown is not None:
            select = self._shown.name
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for preset in presets:
            self.chooser.addItem(shown_preset_name(preset.name), preset.name)
        self.chooser.blockSignals(False)
        self.select(select or "")

    def select(self, name: str) -> None:
        preset = find_preset(self.presets, name) if name else None
        index = self.presets.index(preset) if preset is not None else 0
        if self.chooser.currentIndex() == index:
            self._on_chosen(index)
        else:
            self.chooser.setCurrentIndex(index)

    def _on_chosen(self, index: int) -> None:
        if not 0 <= index < len(self.presets):
            return
        preset = self.presets[index]
        self._shown = preset
        for name, box in self.fields.items():
            box.blockSignals(True)
            box.set_field(getattr(preset, name))
            box.blockSignals(False)
        self.stop_edit.blockSignals(True)
        self.stop_edit.setPlainText(stops_as_text(preset.stop))
        self.stop_edit.blockSignals(False)
        overridden = not preset.builtin and preset.name.casefold() in _builtin_names()
        self.delete_button.setVisible(not preset.builtin)
        text = self.tr("Restore default") if overridden else self.tr("Delete")
        self.delete_button.setText(text)
        self.delete_button.setAccessibleName(text)
        self.delete_button.setToolTip(self.tr("Bring back the values this preset came with") if overridden
                                      else self.tr("Delete this preset of yours"))
        self._show_status()

    def _show_status(self) -> None:
        preset = self._shown
        if preset is None:
            return
        if preset.builtin:
            state = self.tr("A preset that comes with Inkwell; saving it keeps your values instead.")
        elif preset.name.casefold() in _builtin_names():
            state = self.tr("A preset that comes with Inkwell, changed by you.")
        else:
            state = self.tr("A preset of your own.")
        if self.edited() != dataclasses.replace(preset, builtin=False):
            state = self.tr("{state} Changes not saved yet.").format(state=state)
        self.status.setText(state)

    def edited(self) -> SamplerPreset:
        """The shown preset with the values in the fields."""
        assert self._shown is not None
        values = {name: box.field() for name, box in self.fields.items()}
        return dataclasses.replace(self._shown, **values, stop=stops_from_text(self.stop_edit.toPlainText()),
                                   builtin=False)

    # -- what the buttons do ------------------------------------------------------------------

    def _write(self, preset: SamplerPreset) -> bool:
        try:
            save_user_preset(self.config_dir, preset)
        except (SettingsError, OSError) as error:
            self.problem.emit(self.tr("The preset could not be saved: {error}").format(error=translated(error)))
            return False
        return True

    def _done(self, select: str) -> None:
        self.problem.emit("")
        self.reload(select)
        self.presets_changed.emit(self.presets)

    def save(self) -> None:
        preset = self.edited()
        if self._write(preset):
            self._done(preset.name.strip())

    def save_as(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save as new preset"), self.tr("Name of the new preset:"))
        name = name.strip()
        if not ok or not name:
            return
        if find_preset(self.presets, name) is not None:
            self.problem.emit(self.tr('There is already a preset named "{name}": choose another name, or choose '
                                      "that preset above and Save.").format(name=name))
            return
        if self._write(dataclasses.replace(self.edited(), name=name)):
            self._done(name)

    def delete(self) -> None:
        if self._shown is None or self._shown.builtin:
            return
        gone, index = self._shown, self.chooser.currentIndex()
        overridden = gone.name.casefold() in _builtin_names()
        try:
            delete_user_preset(self.config_dir, gone.name)
        except OSError as error:
            self.problem.emit(self.tr("The preset could not be deleted: {error}").format(error=translated(error)))
            return
        # A default restored stays chosen; a deleted preset gives way to the one before it.
        self._done(gone.name if overridden else self.presets[max(0, index - 1)].name)
        shown = shown_preset_name(gone.name)
        self.undo_button.offer(self.tr('"{name}" has its default values again.').format(name=shown) if overridden
                               else self.tr('Preset "{name}" deleted.').format(name=shown),
                               lambda: self._bring_back(gone))

    def _bring_back(self, preset: SamplerPreset) -> None:
        if self._write(preset):
            self._done(preset.name)
