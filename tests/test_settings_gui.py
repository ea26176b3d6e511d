"""The settings dialog, driven through its widgets."""

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
)

from app.core.samplers import SamplerPreset, all_presets, builtin_presets, field_limits, find_preset, save_user_preset
from app.core.settings import Settings
from app.ui.i18n import install_language
from app.ui.preset_editor import shown_preset_name, stops_as_text, stops_from_text
from app.ui.settings_dialog import SettingsDialog, widget_name


def run_dialog(qtbot, window, interact):
    """Opens Settings with Ctrl+, and lets ``interact(dialog)`` use it while it is modal."""
    outcome = []

    def step():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, step)
            return
        outcome.append(interact(dialog))

    QTimer.singleShot(50, step)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    return outcome


def test_invalid_value_is_refused_then_a_valid_one_saved(qtbot, make_window, app_paths):
    window = make_window(app_paths)

    def interact(dialog):
        assert dialog.objectName() == "settingsDialog"
        offload = dialog.findChild(QComboBox, widget_name("engine.gpu_offload"))
        assert offload.accessibleName()
        offload.setCurrentText("lots")
        ok = dialog.findChild(QPushButton, "settingsOkButton")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        error = dialog.findChild(QLabel, "settingsError").text()
        assert dialog.isVisible() and "GPU offload" in error  # refused, dialog still open
        assert "no GPU backend" in dialog.findChild(QLabel, "backendInfo").text()
        offload.setCurrentText("off")
        chat = dialog.findChild(QComboBox, widget_name("sampler.chat"))
        chat.setCurrentText("Precise / rewrite")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return error

    assert run_dialog(qtbot, window, interact)
    saved = json.loads((app_paths.config_dir / "settings.json").read_text())
    assert saved["engine.gpu_offload"] == "off" and saved["sampler.chat"] == "Precise / rewrite"
    assert window.preferences.preset_for("sampler.chat").name == "Precise / rewrite"
    assert window.preferences.load_params.gpu_offload == "off"
    # An engine option changed while a model is loaded: the window offers to reload it.
    assert window.reload_button.isVisible()
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        qtbot.mouseClick(window.reload_button, Qt.MouseButton.LeftButton)
    assert not window.reload_button.isVisible()
    assert window.model_status.gpu_label.text() == "CPU only"


def test_corrupt_settings_file_is_kept_aside(qtbot, make_window, app_paths):
    (app_paths.config_dir / "settings.json").write_text("{ not json")
    window = make_window(app_paths, load=False)
    assert "settings" in window.chat_view.toPlainText().lower()
    assert list(app_paths.config_dir.glob("settings.json.broken-*"))
    assert window.preferences.settings.get("engine.gpu_offload") == "auto"


# -- the preset editor on the Samplers tab --------------------------------------------------


def open_settings_dialog(qtbot, config_dir):
    """The dialog as File → Settings… opens it, on the Samplers tab."""
    presets, _ = all_presets(config_dir)
    dialog = SettingsDialog(Settings(), [p.name for p in presets], "", None, config_dir=config_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.findChild(QTabWidget, "settingsTabs").setCurrentIndex(1)
    return dialog


def field(dialog, name):
    return dialog.findChild(QAbstractSpinBox, f"presetField_{name}")


def click(qtbot, dialog, name):
    qtbot.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def choose(dialog, combo_name, preset_name):
    combo = dialog.findChild(QComboBox, combo_name)
    combo.setCurrentIndex(combo.findData(preset_name))
    assert combo.currentData() == preset_name


def test_editing_a_builtin_preset_saves_the_users_own_until_the_default_is_restored(qtbot, tmp_path):
    dialog = open_settings_dialog(qtbot, tmp_path)
    choose(dialog, "presetEditorChooser", "Creative writing")
    assert field(dialog, "temperature").value() == 0.9 and field(dialog, "seed").text() == "Random"
    assert not dialog.findChild(QPushButton, "deletePresetButton").isVisibleTo(dialog)  # nothing to restore
    field(dialog, "temperature").setValue(1.3)
    field(dialog, "top_k").setValue(55)
    field(dialog, "seed").setValue(1234)
    dialog.findChild(QPlainTextEdit, "presetField_stop").setPlainText("THE END\n\nUser:\\n\nC:\\\\temp")
    status = dialog.findChild(QLabel, "presetEditorStatus")
    assert "not saved" in status.text()
    click(qtbot, dialog, "savePresetButton")

    assert dialog.findChild(QLabel, "settingsError").text() == ""
    mine = find_preset(all_presets(tmp_path)[0], "Creative writing")
    builtin = find_preset(builtin_presets(), "Creative writing")
    assert not mine.builtin
    assert (mine.temperature, mine.top_k, mine.seed) == (1.3, 55, 1234)
    assert mine.stop == ("THE END", "User:\n", "C:\\temp")
    assert mine.dry_multiplier == builtin.dry_multiplier and mine.max_tokens == builtin.max_tokens  # untouched
    assert "changed by you" in status.text() and "not saved" not in status.text()
    restore = dialog.findChild(QPushButton, "deletePresetButton")
    assert restore.isVisibleTo(dialog) and restore.accessibleName() == "Restore default"
    # The choosers still choose what they chose.
    assert dialog.widgets["sampler.writing"].currentData() == "Creative writing"
    assert dialog.widgets["sampler.chat"].currentData() == "Chat (balanced)"

    click(qtbot, dialog, "deletePresetButton")
    assert all_presets(tmp_path)[0] == builtin_presets()
    assert field(dialog, "temperature").value() == 0.9 and field(dialog, "top_k").value() == builtin.top_k
    assert not restore.isVisibleTo(dialog)
    # Undo brings the user's values back.
    click(qtbot, dialog, "presetUndoButton")
    assert find_preset(all_presets(tmp_path)[0], "Creative writing") == mine


def test_save_as_new_then_delete(qtbot, tmp_path, monkeypatch):
    dialog = open_settings_dialog(qtbot, tmp_path)
    choose(dialog, widget_name("sampler.rewrite"), "Creative writing")
    field(dialog, "temperature").setValue(0.4)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: (" Night owl ", True))
    click(qtbot, dialog, "savePresetAsButton")
    presets, _ = all_presets(tmp_path)
    assert [p.name for p in presets][-1] == "Night owl" and presets[-1].temperature == 0.4
    assert presets[:3] == builtin_presets()  # the preset it started from is unchanged
    assert dialog.findChild(QComboBox, "presetEditorChooser").currentData() == "Night owl"
    for key in ("sampler.chat", "sampler.writing", "sampler.rewrite"):
        assert dialog.widgets[key].findData("Night owl") >= 0
    assert dialog.widgets["sampler.rewrite"].currentData() == "Creative writing"  # kept
    choose(dialog, widget_name("sampler.chat"), "Night owl")

    # A name already taken (in any case) is refused: nothing is overwritten.
    before = (tmp_path / "samplers.json").read_text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("chat (BALANCED)", True))
    field(dialog, "temperature").setValue(2.0)
    click(qtbot, dialog, "savePresetAsButton")
    assert "already a preset" in dialog.findChild(QLabel, "settingsError").text()
    assert (tmp_path / "samplers.json").read_text() == before
    assert field(dialog, "temperature").value() == 2.0  # what was typed is still there

    delete = dialog.findChild(QPushButton, "deletePresetButton")
    assert delete.accessibleName() == "Delete"
    click(qtbot, dialog, "deletePresetButton")
    assert find_preset(all_presets(tmp_path)[0], "Night owl") is None
    assert dialog.findChild(QLabel, "settingsError").text() == ""
    for key in ("sampler.chat", "sampler.writing", "sampler.rewrite"):
        assert dialog.widgets[key].findData("Night owl") == -1
    # The chat chose the deleted preset: it falls back to the default one.
    assert dialog.widgets["sampler.chat"].currentData() == "Chat (balanced)"
    assert dialog.widgets["sampler.rewrite"].currentData() == "Creative writing"


def test_a_refused_save_says_why_and_loses_nothing(qtbot, tmp_path, monkeypatch):
    dialog = open_settings_dialog(qtbot, tmp_path)
    error = dialog.findChild(QLabel, "settingsError")
    stops = dialog.findChild(QPlainTextEdit, "presetField_stop")
    too_many = "\n".join(f"stop {n}" for n in range(17))
    stops.setPlainText(too_many)
    field(dialog, "temperature").setValue(1.1)
    click(qtbot, dialog, "savePresetButton")
    assert "stop sequences" in error.text() and "16" in error.text()
    assert not (tmp_path / "samplers.json").exists()
    assert stops.toPlainText() == too_many and field(dialog, "temperature").value() == 1.1

    stops.setPlainText("stop 1")
    monkeypatch.setattr("app.ui.preset_editor.save_user_preset",
                        lambda *args: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    click(qtbot, dialog, "savePresetButton")
    assert "No space left on device" in error.text()
    assert not (tmp_path / "samplers.json").exists()
    assert field(dialog, "temperature").value() == 1.1


def test_preset_fields_follow_the_core_limits_and_every_control_is_named(qtbot, tmp_path):
    # A hand-written value with more decimals than the box shows by default survives a save.
    (tmp_path / "samplers.json").write_text(json.dumps([{"name": "Fine", "top_p": 0.925, "seed": 4_000_000_000}]))
    dialog = open_settings_dialog(qtbot, tmp_path)
    for name, limit in field_limits().items():
        box = field(dialog, name)
        assert box.accessibleName() == limit.label
        assert box.maximum() == limit.maximum
        assert box.minimum() == (limit.minimum - 1 if name == "seed" else limit.minimum)  # below: Random
        assert limit.note.strip(" ()") in box.toolTip()
    choose(dialog, "presetEditorChooser", "Fine")
    click(qtbot, dialog, "savePresetButton")
    fine = find_preset(all_presets(tmp_path)[0], "Fine")
    assert fine.top_p == 0.925 and fine.seed == 4_000_000_000
    # An emptied seed means a random one.
    seed = field(dialog, "seed")
    seed.lineEdit().clear()
    seed.interpretText()
    click(qtbot, dialog, "savePresetButton")
    assert find_preset(all_presets(tmp_path)[0], "Fine").seed is None

    # Every control on the Samplers tab has a name for tests and one for screen readers.
    page = dialog.findChild(QScrollArea, "samplersScroll").widget()
    interactive = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit)
    controls = [w for kind in interactive for w in page.findChildren(kind) if not w.objectName().startswith("qt_")]
    assert len(controls) == 3 + 1 + len(field_limits()) + 1 + 4  # choosers, editor's chooser, fields, stops, buttons
    assert [f"{type(w).__name__} {w.objectName()!r}" for w in controls if not (w.objectName() and w.accessibleName())] == []


def test_settings_dialog_fits_a_small_screen(qtbot, tmp_path):
    dialog = open_settings_dialog(qtbot, tmp_path)
    available = dialog.screen().availableGeometry()
    assert dialog.width() <= available.width() and dialog.height() <= available.height()
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720 - 60  # room for a title bar and a panel
    dialog.resize(dialog.width(), 450)
    scroll = dialog.findChild(QScrollArea, "samplersScroll")
    assert scroll.widget().isAncestorOf(dialog.preset_editor)
    assert scroll.horizontalScrollBar().maximum() == 0


def test_preset_names_are_shown_translated_wherever_they_are_chosen(qapp, tmp_path):
    save_user_preset(tmp_path, SamplerPreset("Creative writing", temperature=1.2))
    try:
        install_language("zh_CN", tmp_path / "cache")
        assert shown_preset_name("Creative writing") != "Creative writing"
        assert shown_preset_name("Night owl") == "Night owl"
        presets, _ = all_presets(tmp_path)
        dialog = SettingsDialog(Settings(), [p.name for p in presets], "", None, config_dir=tmp_path)
        editor_chooser = dialog.findChild(QComboBox, "presetEditorChooser")
        writing = dialog.widgets["sampler.writing"]
        assert writing.currentText() == shown_preset_name("Creative writing")  # the user's version, translated
        assert [editor_chooser.itemText(i) for i in range(editor_chooser.count())] == \
            [writing.itemText(i) for i in range(writing.count())]
        assert dialog.findChild(QPushButton, "savePresetAsButton").text() == "另存为新预设…"
        choose(dialog, "presetEditorChooser", "Creative writing")
        assert dialog.findChild(QPushButton, "deletePresetButton").text() == "恢复默认"  # the user's own version
        dialog.deleteLater()
    finally:
        install_language("en", tmp_path / "cache")


def test_stop_sequences_written_one_a_line_come_back_as_they_were():
    stops = ("THE END", "\n\nUser:", "tab\there", "C:\\new", "\\n stays two characters")
    assert stops_from_text(stops_as_text(stops)) == stops
    assert stops_from_text("a\n\n\nb\\q") == ("a", "b\\q")
