"""Problems found while Inkwell starts are said in the window, each once, and stay readable
after the last conversation has opened."""

from app.core import personas, remote, rewrite, samplers
from app.core.settings import FILE_NAME as SETTINGS_FILE
from app.core.store import Store

PROBLEMS = {
    SETTINGS_FILE: ("{ not json", "Your settings file could not be read"),
    rewrite.USER_FILE: ('[{"name": "Terse", "instruction": ', "Your styles file could not be read"),
    remote.ENGINES_FILE: ("not json at all", "The remote engines file could not be read"),
    samplers.USER_FILE: ('[{"name": 3}', "Your sampler presets file could not be read"),
    personas.USER_FILE: ("[1, 2", "Your personas file could not be read"),
}


def damage_files(app_paths) -> None:
    for name, (text, _) in PROBLEMS.items():
        (app_paths.config_dir / name).write_text(text, encoding="utf-8")


def returning_user(app_paths) -> int:
    """A data folder whose last conversation opens at start (showing it renders the view)."""
    store = Store(app_paths.data_dir / "inkwell.db")
    try:
        conversation = store.create_conversation()
        store.add_message(conversation.id, "user", "Where were we?", None)
        store.set_meta("last_conversation_id", str(conversation.id))
        return conversation.id
    finally:
        store.close()


def test_each_damaged_file_is_reported_once_in_the_window(make_window, app_paths):
    damage_files(app_paths)
    conversation_id = returning_user(app_paths)
    window = make_window(app_paths, load=False)
    shown = window.chat_view.toPlainText()
    assert window.chat.conversation_id == conversation_id and "Where were we?" in shown
    for name, (_, problem) in PROBLEMS.items():
        assert shown.count(problem) == 1, (name, shown)
        assert not (app_paths.config_dir / name).exists()  # kept aside, under another name
    # Nothing is said again later: the files were kept aside once, when they were found.
    window.rewrite_panel.reload_styles()
    window.models_page.remote_engines.refresh()
    assert window.chat_view.toPlainText() == shown


def test_settings_problem_met_by_the_command_line_is_shown_in_the_window(qtbot, app_paths, capsys):
    """`inkwell` reads the settings (for the language) before the window exists: the file is
    kept aside then, and the window must still say so."""
    from app.cli.gui import open_window
    from app.cli.main import build_parser
    from app.engine.host import EngineHost

    (app_paths.config_dir / SETTINGS_FILE).write_text("{ not json", encoding="utf-8")
    returning_user(app_paths)
    args = build_parser().parse_args(["--data-dir", str(app_paths.data_dir.parent)])
    window = open_window(args, app_paths, EngineHost())
    qtbot.addWidget(window)
    try:
        assert window.chat_view.toPlainText().count("Your settings file could not be read") == 1
        assert "Your settings file could not be read" in capsys.readouterr().err
    finally:
        window.close()


def test_an_unreadable_model_catalog_is_said_in_the_window(make_window, app_paths, monkeypatch):
    from app.ui import models_page

    def damaged_catalog():
        raise ValueError("line 3: expected '=' after a key")

    monkeypatch.setattr(models_page, "load_catalog", damaged_catalog)
    shown = make_window(app_paths, load=False).chat_view.toPlainText()
    assert shown.count("The model catalog could not be read: line 3") == 1
