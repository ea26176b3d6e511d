"""The settings dialog, driven through its widgets."""

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton

from app.ui.settings_dialog import widget_name


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
