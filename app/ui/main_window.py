"""Inkwell's main window: it assembles the Chat, Writing and Models pages, the rewrite dock,
the menus and the status bar from services made once at start-up."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from app import __version__
from app.core.crash import take_crash_reports
from app.core.paths import find_starter_model
from app.core.remote import EngineList
from app.core.resources import resource_path
from app.core.samplers import all_presets as all_sampler_presets
from app.ui.chat_page import ChatPage
from app.ui.i18n import translated
from app.ui.model_session import ModelSession, ModelStatus
from app.ui.models_page import ModelsPage
from app.ui.rewrite_dock import RewriteDock
from app.ui.services import Services
from app.ui.settings_dialog import SettingsDialog
from app.ui.shortcuts_dialog import ShortcutsDialog
from app.ui.theme import apply_theme
from app.ui.widgets import UndoButton
from app.ui.writing_desk import WritingDesk


class MainWindow(QMainWindow):
    def __init__(self, services: Services) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Inkwell"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkwell.svg"))))
        self.services = services
        self.host, self.paths, self.store = services.host, services.paths, services.store
        self.preferences = services.preferences
        self.backend_text = self.tr("Asking llama.cpp what it can use…")
        apply_theme(str(self.preferences.settings.get("ui.theme")))

        self.chat = ChatPage(services)
        self.chat_view, self.chat_input, self.sidebar = self.chat.chat_view, self.chat.chat_input, self.chat.sidebar
        self.writing_desk = WritingDesk(self.store, self.host)
        self.writing_desk.sampler_for = lambda: self.preferences.sampler_for("sampler.writing")
        self.writing_desk.speculative = self.preferences.speculative
        self.models_page = ModelsPage(self.paths, str(self.preferences.settings.get("models.default_path")))
        self.model_session = ModelSession(self.host, self.paths, self.preferences, lambda: self.models_page.remote_engines.keys, self)
        self.mode_tabs = QTabWidget()
        self.mode_tabs.setObjectName("modeTabs")
        self.mode_tabs.setAccessibleName(self.tr("Mode"))
        self.mode_tabs.addTab(self.chat, self.tr("Chat"))
        self.mode_tabs.addTab(self.writing_desk, self.tr("Writing"))
        self.mode_tabs.addTab(self.models_page, self.tr("Models"))
        central = QWidget()
        QVBoxLayout(central).addWidget(self.mode_tabs)
        self.setCentralWidget(central)
        self.rewrite_dock = RewriteDock(self.host, self.preferences, self.writing_desk, self.chat_input, self)
        self.rewrite_panel = self.rewrite_dock.panel
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.rewrite_dock)
        self.rewrite_dock.hide()
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self._resize_within_screen(1100, 720)

        # The last conversation first: showing it redraws the view, which would wipe the notices.
        self.chat.session.open_last()
        for notice in [*services.notices, *(report.notice() for report in take_crash_reports(self.paths.data_dir, "window")),
                       self.models_page.catalog_problem]:
            if notice:
                self.chat_view.add_notice(translated(notice))
        self.host.run_on_engine(lambda backend: backend.report()).listen(self._on_backend_report, self._on_backend_unknown)
        self.chat_input.setFocus()

    def _resize_within_screen(self, width: int, height: int) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            width, height = min(width, free.width()), min(height, free.height())
        self.resize(width, height)

    def _build_status_bar(self) -> None:
        self.model_status = ModelStatus(self.model_session)
        self.model_label, self.reload_button = self.model_status.model_label, self.model_status.reload_button
        self.undo_button = UndoButton()
        # Permanent widgets: a status message would hide ordinary ones, and these must stay.
        for widget in (self.undo_button, *self.model_status.widgets(), self.chat.context_meter, self.chat.speed_label):
            self.statusBar().addPermanentWidget(widget)

    def _build_menus(self) -> None:
        def action(menu, text, name, slot, shortcut=None):
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut is not None:
                act.setShortcut(shortcut)
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        chat = self.chat
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        action(file_menu, self.tr("&New conversation"), "newConversationAction", chat.new_conversation, QKeySequence.StandardKey.New)
        action(file_menu, self.tr("&Open model…"), "openModelAction", self.choose_model, QKeySequence.StandardKey.Open)
        self.remote_menu = file_menu.addMenu(self.tr("Use &remote engine"))
        self.remote_menu.setObjectName("remoteEngineMenu")
        self.remote_menu.aboutToShow.connect(self._fill_remote_menu)
        file_menu.addSeparator()
        action(file_menu, self.tr("Export as &Markdown…"), "exportMarkdownAction", lambda: chat.export_conversation(chat.conversation_id, "markdown"))
        action(file_menu, self.tr("Export as &JSON…"), "exportJsonAction", lambda: chat.export_conversation(chat.conversation_id, "json"))
        action(file_menu, self.tr("&Import conversation…"), "importAction", chat.import_conversation)
        file_menu.addSeparator()
        action(file_menu, self.tr("&Settings…"), "settingsAction", self.open_settings, QKeySequence("Ctrl+,"))
        file_menu.addSeparator()
        action(file_menu, self.tr("&Quit"), "quitAction", self.close, QKeySequence.StandardKey.Quit)

        # The same keys act on the Writing tab's draft while it is shown.
        chat_menu = self.menuBar().addMenu(self.tr("&Chat"))
        action(chat_menu, self.tr("&Regenerate reply"), "regenerateAction",
               lambda: self.writing_desk.retry() if self.writing else chat.session.regenerate_last(), QKeySequence("Ctrl+R"))
        action(chat_menu, self.tr("&Continue reply"), "continueAction", chat.session.continue_last, QKeySequence("Ctrl+Shift+Return"))
        action(chat_menu, self.tr("Previous alternative"), "previousAlternativeAction", lambda: self._flip(-1), QKeySequence("Alt+Left"))
        action(chat_menu, self.tr("Next alternative"), "nextAlternativeAction", lambda: self._flip(1), QKeySequence("Alt+Right"))
        action(chat_menu, self.tr("Copy last reply"), "copyReplyAction", chat.copy_last_reply, QKeySequence("Ctrl+Shift+C"))
        action(chat_menu, self.tr("Re&write selection…"), "rewriteAction", self.open_rewrite, QKeySequence("Ctrl+Shift+R"))
        chat_menu.addSeparator()
        action(chat_menu, self.tr("Re&name"), "renameAction", self._rename_current, QKeySequence("F2"))
        action(chat_menu, self.tr("&Delete conversation"), "deleteConversationAction",
               lambda: chat.conversation_id and chat.session.delete_conversation(chat.conversation_id))
        action(chat_menu, self.tr("&Find conversation"), "findAction", self.sidebar.search.setFocus, QKeySequence.StandardKey.Find)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        action(view_menu, self.tr("&Chat"), "chatModeAction", lambda: self.mode_tabs.setCurrentIndex(0), QKeySequence("Ctrl+1"))
        action(view_menu, self.tr("&Writing"), "writingModeAction", lambda: self.mode_tabs.setCurrentIndex(1), QKeySequence("Ctrl+2"))
        action(view_menu, self.tr("&Models"), "modelsModeAction", lambda: self.mode_tabs.setCurrentIndex(2), QKeySequence("Ctrl+3"))
        view_menu.addSeparator()
        view_menu.addAction(self.writing_desk.tint_action)  # the desk's words shaded by probability

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        action(help_menu, self.tr("&Keyboard shortcuts"), "shortcutsAction",
               lambda: ShortcutsDialog(self.findChildren(QAction), self).exec(), QKeySequence("F1"))
        action(help_menu, self.tr("&About Inkwell"), "aboutAction", lambda: QMessageBox.about(
            self, self.tr("About Inkwell"), self.tr("Inkwell {version}\nA private chat and writing assistant that runs language models on this computer.").format(version=__version__)))

    def _connect(self) -> None:
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self._escape)
        status = self.statusBar().showMessage
        for source in (self.chat, self.model_session, self.rewrite_dock):
            source.status.connect(status)
        for source in (self.writing_desk, self.models_page, self.models_page.remote_engines):
            source.message.connect(lambda text: status(text, 8000))
        for source in (self.chat, self.writing_desk):
            source.undo_offered.connect(self.undo_button.offer)
        self.writing_desk.rewrite_button.clicked.connect(self.open_rewrite)
        self.mode_tabs.currentChanged.connect(self._on_mode_changed)
        self.rewrite_dock.problem.connect(self.chat.report)
        self.preferences.problem.connect(self.chat.report)

        models = self.model_session
        models.switching.connect(self.chat.session.stop)
        models.notice.connect(self.chat_view.add_notice)
        models.welcome.connect(self.chat.show_welcome)
        self.host.loaded.connect(self.models_page.show_in_use)
        self.host.unloaded.connect(lambda: self.models_page.show_in_use(None))
        self.host.load_failed.connect(lambda _message: self.models_page.show_in_use(self.host.model_info))
        self.chat.welcome.starter_requested.connect(lambda: models.load(find_starter_model()))
        self.chat.welcome.catalog_requested.connect(lambda: self.mode_tabs.setCurrentWidget(self.models_page))
        self.chat.welcome.open_requested.connect(self.choose_model)
        self.models_page.load_requested.connect(models.load)
        self.models_page.unload_requested.connect(models.unload)
        self.models_page.default_changed.connect(models.set_default)
        self.models_page.remote_engines.connect_requested.connect(models.connect_remote)
        self.models_page.remote_engines.default_requested.connect(models.set_default)
        self.models_page.clear_saved_state_requested.connect(self._clear_saved_state)

    # -- models and settings -------------------------------------------------------------

    def load_model(self, path: str | Path) -> None:
        """Loads a GGUF, or connects to a remote engine named ``remote:NAME``."""
        self.model_session.load(path)

    def default_model(self) -> Path | str | None:
        return self.model_session.default_model()

    def show_welcome(self, message: str = "") -> None:
        self.chat.show_welcome(message)

    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a GGUF model"), str(Path.home()), self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.model_session.load(path)

    def _fill_remote_menu(self) -> None:
        """The saved engines, read when the menu opens so that it is always current."""
        self.remote_menu.clear()
        engines, _ = EngineList(self.paths.config_dir).load()
        connected = self.host.model_info.remote_engine if self.host.model_info else ""
        for engine in engines:
            item = self.remote_menu.addAction(engine.name, lambda name=engine.name: self.model_session.connect_remote(name))
            item.setCheckable(True)
            item.setChecked(engine.name == connected)
        if engines:
            self.remote_menu.addSeparator()
        self.remote_menu.addAction(self.tr("Add or edit remote engines…"),
                                   lambda: self.mode_tabs.setCurrentWidget(self.models_page))

    def open_settings(self) -> None:
        presets, problem = all_sampler_presets(self.paths.config_dir)
        if problem:
            self.statusBar().showMessage(translated(problem), 8000)
        dialog = SettingsDialog(self.preferences.settings, [p.name for p in presets], self.backend_text, self,
                                config_dir=self.paths.config_dir)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted and dialog.result_settings is not None:
            self.apply_settings(dialog.result_settings)

    def apply_settings(self, settings) -> None:
        theme_changed = settings.get("ui.theme") != self.preferences.settings.get("ui.theme")
        self.model_session.settings_applied(self.preferences.apply(settings))
        if theme_changed:
            apply_theme(str(settings.get("ui.theme")))
            self.chat.render_conversation()

    def _on_mode_changed(self, _index: int) -> None:
        # The Writing tab may have its own model; the Models page keeps whichever is loaded.
        if self.mode_tabs.currentWidget() is self.models_page:
            self.models_page.show_saved_state(self.host.saved_state_bytes())
        else:
            self.model_session.use_for(self.writing)

    def _clear_saved_state(self) -> None:
        def cleared(freed: object) -> None:
            self.models_page.show_saved_state(self.host.saved_state_bytes())
            self.statusBar().showMessage(self.tr("Saved model state cleared: {size} MB freed.").format(
                size=f"{int(freed) / 1e6:,.0f}"), 5000)

        self.host.clear_saved_state().listen(cleared, lambda message: self.chat.report(translated(message)))

    def _on_backend_report(self, report: object) -> None:
        self.backend_text = translated(report)  # lines written in English on the engine thread

    def _on_backend_unknown(self, message: object) -> None:
        self.backend_text = self.tr("llama.cpp could not say what it can use: {error}").format(error=translated(message))

    # -- keys that act on the tab in front -----------------------------------------------

    @property
    def writing(self) -> bool:
        return self.mode_tabs.currentWidget() is self.writing_desk

    def _rename_current(self) -> None:
        if self.writing:
            self.writing_desk.start_rename()
        elif self.chat.conversation_id is not None:
            self.sidebar.start_rename(self.chat.conversation_id)

    def _flip(self, step: int) -> None:
        if self.writing:
            self.writing_desk.flip(step)
        else:
            self.chat.session.flip_last(step)

    def open_rewrite(self) -> None:
        selection = self.chat_view.textCursor().selectedText().replace("\u2029", "\n")
        self.rewrite_dock.open_on(self.writing, selection)

    def _escape(self) -> None:
        if self.rewrite_panel.rewriting:
            self.rewrite_panel.cancel()
        elif self.writing:
            self.writing_desk.escape()
        elif self.chat.streaming is not None:
            self.chat.session.stop()
        elif self.chat.session.editing is not None:
            self.chat.session.cancel_edit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.chat.close_page()
        self.writing_desk.close_desk()
        self.host.shutdown()
        self.services.close()
        super().closeEvent(event)
