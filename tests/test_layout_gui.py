"""Every part of the window fits a 1280×720 screen, the rewrite panel open beside it, in
English and in Chinese; and the window starts no larger than the screen it is on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

SMALL_SCREEN = (1280, 720)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_tab_fits_a_small_screen_with_the_rewrite_panel_open(qtbot, make_window, app_paths, language):
    from app.ui.i18n import install_language

    assert install_language(language, app_paths.cache_dir) == language
    try:
        window = make_window(app_paths, load=False)
    finally:
        install_language("en", app_paths.cache_dir)
    qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(window.rewrite_dock.isVisible)
    for index in range(window.mode_tabs.count()):
        window.mode_tabs.setCurrentIndex(index)
        QApplication.processEvents()
        needed = window.minimumSizeHint()
        assert needed.width() <= SMALL_SCREEN[0], window.mode_tabs.tabText(index)
        assert needed.height() <= SMALL_SCREEN[1], window.mode_tabs.tabText(index)


def test_the_desk_choosers_show_their_whole_text(qtbot, make_window, app_paths):
    """At the smallest window the small screen allows, rewrite panel open ("Paragrap" was cut)."""
    window = make_window(app_paths, load=False)
    window.mode_tabs.setCurrentWidget(window.writing_desk)
    window.rewrite_dock.show()
    window.resize(*SMALL_SCREEN)
    QApplication.processEvents()
    for name in ("lengthChooser", "modeChooser"):
        combo = window.writing_desk.findChild(QComboBox, name)
        widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
        assert combo.width() >= widest, name


def test_the_window_starts_within_the_screen(qtbot, make_window, app_paths):
    window = make_window(app_paths, load=False)
    free = window.screen().availableGeometry()
    assert window.width() <= max(free.width(), window.minimumSizeHint().width())
    assert window.height() <= max(free.height(), window.minimumSizeHint().height())


def test_the_view_menu_toggles_the_desks_tint(qtbot, make_window, app_paths):
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QPushButton

    window = make_window(app_paths, load=False)
    view = next(action.menu() for action in window.menuBar().actions() if action.objectName() == "" and action.menu()
                and any(a.objectName() == "writingModeAction" for a in action.menu().actions()))
    tint = next(a for a in view.actions() if a.objectName() == "tintProbabilitiesAction")
    button = window.writing_desk.findChild(QPushButton, "tintProbabilitiesButton")
    assert isinstance(tint, QAction) and not button.isChecked()
    tint.trigger()
    assert button.isChecked()
