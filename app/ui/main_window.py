"""Inkwell's main window: conversations saved as they happen, with the loaded model."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QT_TRANSLATE_NOOP, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.core.crash import take_crash_reports
from app.core.generation import GenerationStats, LoadParams, ModelInfo, SamplerSettings
from app.core.markup import code_blocks
from app.core.rewrite import all_styles, context_around
from app.core.samplers import SamplerPreset
from app.core.samplers import all_presets as all_sampler_presets
from app.core.samplers import find_preset as find_sampler_preset
from app.core.settings import FILE_NAME as SETTINGS_FILE
from app.core.settings import Settings, load_params_from, option
from app.core.paths import AppPaths, find_starter_model
from app.core.personas import Persona, all_personas, save_user_persona
from app.core.remote import EngineList
from app.core.resources import resource_path
from app.core.store import Message, Store, StoreError
from app.engine.host import EngineHost
from app.ui.chat_input import ChatInput
from app.ui.chat_session import LAST_CONVERSATION_KEY, ChatSession, StreamingReply
from app.ui.chat_view import ChatView, MessageItem
from app.ui.i18n import translated
from app.ui.sidebar import Sidebar
from app.ui.widgets import make_button
from app.ui.models_page import ModelsPage
from app.ui.remote_engines import REMOTE_PREFIX
from app.ui.shortcuts_dialog import ShortcutsDialog
from app.ui.theme import apply_theme
from app.ui.welcome import WelcomePage
from app.ui.rewrite_panel import RewritePanel
from app.ui.settings_dialog import SettingsDialog
from app.ui.writing_desk import WritingDesk

TRASH_KEPT_S = 30 * 24 * 3600
UNDO_SHOWN_MS = 15_000


class MainWindow(QMainWindow):
    def __init__(self, host: EngineHost, paths: AppPaths, load_params: LoadParams | None = None,
                 notices: Sequence[object] = ()) -> None:
        """``notices``: problems met before the window existed (a settings file the command
        line already kept aside), shown in it with those it finds itself."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Inkwell"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkwell.svg"))))
        self.resize(1100, 720)
        self.host = host
        self.paths = paths
        self.settings_path = paths.config_dir / SETTINGS_FILE
        self.settings, settings_problem = Settings.load(self.settings_path)
        # Options given on the command line win over the saved settings for this run.
        self.load_params = load_params or load_params_from(self.settings)
        self.max_tokens: int | None = None  # when set, overrides the chat preset's reply length
        self.backend_text = self.tr("Asking llama.cpp what it can use…")
        self._model_path: str | None = None
        self._undo = None
        self.store = Store(paths.data_dir / "inkwell.db")
        self.store.empty_trash(TRASH_KEPT_S)
        # The chat's flow: sending, replies and their saving; the window shows what it says.
        self.session = ChatSession(self.store, host, lambda: (self.preset_for("sampler.chat"), self.max_tokens), self)
        # Said once the view exists: the widgets read these files while they are built,
        # before anything listens to their messages.
        startup_problems = [*notices, *_read_user_files(paths.config_dir)]

        apply_theme(str(self.settings.get("ui.theme")))
        self._build_widgets()
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self.refresh_list()
        # The last conversation first: showing it redraws the view, which would wipe the notices.
        last = self.store.get_meta(LAST_CONVERSATION_KEY)
        if last and last.isdigit() and any(c.id == int(last) for c in self.store.list_conversations()):
            self.open_conversation(int(last))
        if self.store.recovery_report:
            self.chat_view.add_notice(translated(self.store.recovery_report))
        if settings_problem:
            self.chat_view.add_notice(translated(settings_problem))
        for report in take_crash_reports(paths.data_dir, "window"):
            self.chat_view.add_notice(translated(report.notice()))
        for problem in [*startup_problems, self.models_page.catalog_problem]:
            if problem:
                self.chat_view.add_notice(translated(problem))
        host.run_on_engine(lambda backend: backend.report()).listen(self._on_backend_report, self._on_backend_unknown)
        self.chat_input.setFocus()

    # -- building ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.sidebar = Sidebar()
        self.chat_view = ChatView()
        self.chat_input = ChatInput()
        self.send_button = make_button(self.tr("Send"), "sendButton", self.tr("Send the message (Enter)"))
        self.stop_button = make_button(self.tr("Stop"), "stopButton", self.tr("Stop the reply (Esc)"))
        self.stop_button.setEnabled(False)

        self.persona_chooser = QComboBox()
        self.persona_chooser.setObjectName("personaChooser")
        self.persona_chooser.setAccessibleName(self.tr("Persona"))
        self.persona_chooser.setToolTip(self.tr("A persona sets the conversation's system prompt"))
        self.system_prompt_button = make_button(self.tr("System prompt"), "systemPromptButton", self.tr("Show or hide the system prompt"))
        self.system_prompt_button.setCheckable(True)
        self.save_persona_button = make_button(self.tr("Save as persona…"), "savePersonaButton", self.tr("Keep this system prompt as a persona"))
        self.system_prompt_edit = QPlainTextEdit()
        self.system_prompt_edit.setObjectName("systemPromptEdit")
        self.system_prompt_edit.setAccessibleName(self.tr("System prompt"))
        self.system_prompt_edit.setPlaceholderText(self.tr("Instructions the model follows in this conversation"))
        self.system_prompt_edit.setMaximumHeight(90)
        self.system_prompt_edit.hide()
        self.save_persona_button.hide()
        self._load_personas()

        persona_row = QHBoxLayout()
        persona_row.addWidget(QLabel(self.tr("Persona:")))
        persona_row.addWidget(self.persona_chooser)
        persona_row.addWidget(self.system_prompt_button)
        persona_row.addWidget(self.save_persona_button)
        persona_row.addStretch(1)

        self.edit_banner = QLabel(self.tr("Editing a message: sending keeps the earlier version as another branch."))
        self.edit_banner.setObjectName("editBanner")
        self.cancel_edit_button = make_button(self.tr("Cancel edit"), "cancelEditButton", self.tr("Stop editing (Esc)"))
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.edit_banner, 1)
        banner_row.addWidget(self.cancel_edit_button)
        self.edit_banner.hide()
        self.cancel_edit_button.hide()

        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        input_row = QHBoxLayout()
        input_row.addWidget(self.chat_input, 1)
        input_row.addLayout(buttons)

        chat_panel = QWidget()
        layout = QVBoxLayout(chat_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(persona_row)
        layout.addWidget(self.system_prompt_edit)
        self.welcome = WelcomePage(find_starter_model() is not None)
        self.chat_stack = QStackedWidget()
        self.chat_stack.addWidget(self.chat_view)
        self.chat_stack.addWidget(self.welcome)
        layout.addWidget(self.chat_stack, 1)
        layout.addLayout(banner_row)
        layout.addLayout(input_row)
        # The system prompt is written, then saved: Tab reaches its box before its Save button.
        QWidget.setTabOrder(self.system_prompt_edit, self.save_persona_button)

        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(chat_panel)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        self.writing_desk = WritingDesk(self.store, self.host)
        self.mode_tabs = QTabWidget()
        self.mode_tabs.setObjectName("modeTabs")
        self.mode_tabs.setAccessibleName(self.tr("Mode"))
        self.mode_tabs.addTab(splitter, self.tr("Chat"))
        self.mode_tabs.addTab(self.writing_desk, self.tr("Writing"))
        self.models_page = ModelsPage(self.paths, str(self.settings.get("models.default_path")))
        self.mode_tabs.addTab(self.models_page, self.tr("Models"))
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addWidget(self.mode_tabs)
        self.setCentralWidget(central)

        self.rewrite_panel = RewritePanel(self.host, self.paths.config_dir)
        self.rewrite_dock = QDockWidget(self.tr("Rewrite"), self)
        self.rewrite_dock.setObjectName("rewriteDock")
        self.rewrite_dock.setWidget(self.rewrite_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.rewrite_dock)
        self.rewrite_dock.hide()
        self._rewrite_target: tuple[str, int, int] | None = None

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_label = QLabel(self.tr("No model"))
        self.model_label.setObjectName("modelLabel")
        self.context_label = QLabel("")
        self.context_label.setObjectName("contextLabel")
        self.speed_label = QLabel("")
        self.speed_label.setObjectName("speedLabel")
        self.context_meter = QProgressBar()
        self.context_meter.setObjectName("contextMeter")
        self.context_meter.setAccessibleName(self.tr("Context used"))
        self.context_meter.setMaximumWidth(180)
        self.context_meter.setFormat(self.tr("context %p%"))
        self.context_meter.setValue(0)
        self.load_progress = QProgressBar()
        self.load_progress.setObjectName("loadProgress")
        self.load_progress.setAccessibleName(self.tr("Model loading"))
        self.load_progress.setRange(0, 0)  # llama.cpp reports no load progress: show activity
        self.load_progress.setMaximumWidth(140)
        self.load_progress.hide()
        self.gpu_label = QLabel("")
        self.gpu_label.setObjectName("gpuLabel")
        self.reload_button = make_button(self.tr("Reload the model"), "reloadButton", self.tr("Load the model again: after changing engine settings, or to try again after a failure"))
        self.reload_button.hide()
        self.undo_button = make_button(self.tr("Undo"), "undoButton", self.tr("Undo the deletion"))
        self.undo_button.hide()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._clear_undo)
        # Permanent widgets: a status message would hide ordinary ones, and these must stay.
        for widget in (self.undo_button, self.reload_button, self.load_progress, self.model_label, self.gpu_label, self.context_label, self.context_meter, self.speed_label):
            bar.addPermanentWidget(widget)

    def _build_menus(self) -> None:
        def action(menu, text, name, slot, shortcut=None):
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut is not None:
                act.setShortcut(shortcut)
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        action(file_menu, self.tr("&New conversation"), "newConversationAction", self.new_conversation, QKeySequence.StandardKey.New)
        action(file_menu, self.tr("&Open model…"), "openModelAction", self.choose_model, QKeySequence.StandardKey.Open)
        self.remote_menu = file_menu.addMenu(self.tr("Use &remote engine"))
        self.remote_menu.setObjectName("remoteEngineMenu")
        self.remote_menu.aboutToShow.connect(self._fill_remote_menu)
        file_menu.addSeparator()
        action(file_menu, self.tr("Export as &Markdown…"), "exportMarkdownAction", lambda: self.export_conversation(self.conversation_id, "markdown"))
        action(file_menu, self.tr("Export as &JSON…"), "exportJsonAction", lambda: self.export_conversation(self.conversation_id, "json"))
        action(file_menu, self.tr("&Import conversation…"), "importAction", self.import_conversation)
        file_menu.addSeparator()
        action(file_menu, self.tr("&Settings…"), "settingsAction", self.open_settings, QKeySequence("Ctrl+,"))
        file_menu.addSeparator()
        action(file_menu, self.tr("&Quit"), "quitAction", self.close, QKeySequence.StandardKey.Quit)

        chat_menu = self.menuBar().addMenu(self.tr("&Chat"))
        action(chat_menu, self.tr("&Regenerate reply"), "regenerateAction", self._regenerate_or_retry, QKeySequence("Ctrl+R"))
        action(chat_menu, self.tr("&Continue reply"), "continueAction", self.continue_last, QKeySequence("Ctrl+Shift+Return"))
        action(chat_menu, self.tr("Previous alternative"), "previousAlternativeAction", lambda: self._flip(-1), QKeySequence("Alt+Left"))
        action(chat_menu, self.tr("Next alternative"), "nextAlternativeAction", lambda: self._flip(1), QKeySequence("Alt+Right"))
        action(chat_menu, self.tr("Copy last reply"), "copyReplyAction", self.copy_last_reply, QKeySequence("Ctrl+Shift+C"))
        action(chat_menu, self.tr("Re&write selection…"), "rewriteAction", self.open_rewrite, QKeySequence("Ctrl+Shift+R"))
        chat_menu.addSeparator()
        action(chat_menu, self.tr("Re&name"), "renameAction", self._rename_current, QKeySequence("F2"))
        action(chat_menu, self.tr("&Delete conversation"), "deleteConversationAction", lambda: self.conversation_id and self.delete_conversation(self.conversation_id))
        action(chat_menu, self.tr("&Find conversation"), "findAction", self.sidebar.search.setFocus, QKeySequence.StandardKey.Find)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        action(view_menu, self.tr("&Chat"), "chatModeAction", lambda: self.mode_tabs.setCurrentIndex(0), QKeySequence("Ctrl+1"))
        action(view_menu, self.tr("&Writing"), "writingModeAction", lambda: self.mode_tabs.setCurrentIndex(1), QKeySequence("Ctrl+2"))
        action(view_menu, self.tr("&Models"), "modelsModeAction", lambda: self.mode_tabs.setCurrentIndex(2), QKeySequence("Ctrl+3"))

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        action(help_menu, self.tr("&Keyboard shortcuts"), "shortcutsAction", self.show_shortcuts, QKeySequence("F1"))
        action(help_menu, self.tr("&About Inkwell"), "aboutAction", self._about)

    def _connect(self) -> None:
        self.chat_input.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self._escape)
        self.chat_view.action_requested.connect(self._on_message_action)
        self.chat_view.alternative_requested.connect(self.flip_last)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.undo_button.clicked.connect(self._run_undo)

        self.sidebar.conversation_selected.connect(self.open_conversation)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.rename_requested.connect(self._rename)
        self.sidebar.delete_requested.connect(self.delete_conversation)
        self.sidebar.export_requested.connect(self.export_conversation)
        self.sidebar.search_changed.connect(lambda _text: self.refresh_list())

        self.persona_chooser.activated.connect(self._on_persona_chosen)
        self.system_prompt_button.toggled.connect(self._toggle_system_prompt)
        self.system_prompt_edit.textChanged.connect(self._on_system_prompt_edited)
        self.save_persona_button.clicked.connect(self.save_persona)

        self.writing_desk.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.writing_desk.undo_offered.connect(self._offer_undo)
        self.writing_desk.rewrite_button.clicked.connect(self.open_rewrite)
        self.rewrite_panel.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.models_page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.welcome.starter_requested.connect(lambda: self.load_model(find_starter_model()))
        self.welcome.catalog_requested.connect(lambda: self.mode_tabs.setCurrentWidget(self.models_page))
        self.welcome.open_requested.connect(self.choose_model)
        self.models_page.load_requested.connect(self.load_model)
        self.models_page.unload_requested.connect(self.unload_model)
        self.models_page.default_changed.connect(self._set_default_model)
        self.models_page.remote_engines.connect_requested.connect(self.connect_remote)
        self.models_page.remote_engines.default_requested.connect(self._set_default_model)
        self.models_page.remote_engines.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.host.unloaded.connect(self._on_unloaded)
        self.rewrite_panel.accepted.connect(self._on_rewrite_accepted)
        self.reload_button.clicked.connect(self._reload_model)
        self.writing_desk.sampler_for = lambda: self.sampler_for("sampler.writing")
        self.rewrite_panel.sampler_for = lambda: self.sampler_for("sampler.rewrite")
        self.host.loading.connect(self._on_loading)
        self.host.loaded.connect(self._on_loaded)
        self.host.load_failed.connect(self._on_load_failed)

        session = self.session
        session.reply_text.connect(self.chat_view.append_reply)
        session.conversation_changed.connect(lambda _id: self.render_conversation())
        session.conversations_changed.connect(self.refresh_list)
        session.notice.connect(lambda message: self.chat_view.add_notice(translated(message)))
        session.problem.connect(self._report)
        session.status.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        session.generating_changed.connect(self._set_generating)
        session.loading_changed.connect(lambda _loading: self._update_send_button())
        session.editing_changed.connect(self._show_editing)
        session.reply_finished.connect(lambda stats: self.speed_label.setText(
            self.tr("{speed} tok/s").format(speed=f"{stats.tokens_per_second:.1f}")))
        session.undo_offered.connect(self._offer_undo)

    # The session owns the open conversation, the reply being written and the edit.

    @property
    def conversation_id(self) -> int | None:
        return self.session.conversation_id

    @conversation_id.setter
    def conversation_id(self, value: int | None) -> None:
        self.session.conversation_id = value

    @property
    def streaming(self) -> StreamingReply | None:
        return self.session.streaming

    @property
    def editing(self) -> Message | None:
        return self.session.editing

    # -- models --------------------------------------------------------------------------

    def load_model(self, path: str | Path) -> None:
        """Loads a GGUF, or connects to a remote engine named ``remote:NAME``."""
        if str(path).startswith(REMOTE_PREFIX):
            self.connect_remote(str(path)[len(REMOTE_PREFIX):])
            return
        self._model_path = str(path)
        self.reload_button.hide()
        self.host.load_model(str(path), self.load_params)

    @property
    def remote_keys(self):
        return self.models_page.remote_engines.keys

    def _fill_remote_menu(self) -> None:
        """The saved engines, read when the menu opens so that it is always current."""
        self.remote_menu.clear()
        engines, _ = EngineList(self.paths.config_dir).load()
        connected = self.host.model_info.remote_engine if self.host.model_info else ""
        for engine in engines:
            item = self.remote_menu.addAction(engine.name, lambda name=engine.name: self.connect_remote(name))
            item.setCheckable(True)
            item.setChecked(engine.name == connected)
        if engines:
            self.remote_menu.addSeparator()
        self.remote_menu.addAction(self.tr("Add or edit remote engines…"),
                                   lambda: self.mode_tabs.setCurrentWidget(self.models_page))

    def connect_remote(self, name: str) -> None:
        """Uses a saved remote engine (an OpenAI-compatible server) instead of a local model."""
        engine = EngineList(self.paths.config_dir).find(name)
        if engine is None:
            self._on_load_failed(self.tr("There is no remote engine called '{name}' any more; add it again on the Models page.").format(name=name))
            return
        if self.streaming is not None:
            self.stop()
        self._model_path = REMOTE_PREFIX + engine.name
        self.reload_button.hide()
        self.host.connect_remote(engine, self.remote_keys.get(engine.name))

    def show_welcome(self, message: str = "") -> None:
        """No model is loaded: offer the ways to get one instead of an empty window."""
        if message:
            self.welcome.message.setText(message)
        self.chat_stack.setCurrentWidget(self.welcome)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.findChildren(QAction), self).exec()

    def unload_model(self) -> None:
        if self.streaming is not None:
            self.stop()
        self.host.unload_model()

    def _on_unloaded(self) -> None:
        self.model_label.setText(self.tr("No model"))
        self.gpu_label.clear()
        self.context_label.clear()
        self.models_page.set_loaded(None)
        self.show_welcome()
        self.statusBar().showMessage(self.tr("The model was unloaded; its memory is free."), 5000)

    def _set_default_model(self, path: str) -> None:
        settings = self.settings.copy()
        settings.set("models.default_path", path)
        self.apply_settings(settings)
        name = path[len(REMOTE_PREFIX):] if path.startswith(REMOTE_PREFIX) else Path(path).name
        self.statusBar().showMessage(self.tr("{name} opens when Inkwell starts.").format(name=name), 5000)

    # -- settings ------------------------------------------------------------------------

    def preset_for(self, key: str) -> SamplerPreset:
        """The sampler preset the settings choose for a mode (chat, writing, rewrite); the
        built-in default when the chosen one no longer exists."""
        presets, _ = all_sampler_presets(self.paths.config_dir)
        return (find_sampler_preset(presets, str(self.settings.get(key)))
                or find_sampler_preset(presets, str(option(key).default)))

    def sampler_for(self, key: str) -> SamplerSettings:
        return self.preset_for(key).to_sampler()

    def open_settings(self) -> None:
        presets, problem = all_sampler_presets(self.paths.config_dir)
        if problem:
            self.statusBar().showMessage(translated(problem), 8000)
        dialog = SettingsDialog(self.settings, [p.name for p in presets], self.backend_text, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted or dialog.result_settings is None:
            return
        self.apply_settings(dialog.result_settings)

    def apply_settings(self, settings: Settings) -> None:
        reload_needed = settings.changed_needing_reload(self.settings)
        try:
            settings.save(self.settings_path)
        except OSError as error:
            self._report(self.tr("The settings could not be saved ({error}); they apply until you quit.").format(error=error.strerror or error))
        theme_changed = settings.get("ui.theme") != self.settings.get("ui.theme")
        self.settings = settings
        self.load_params = load_params_from(settings)
        if theme_changed:
            apply_theme(str(settings.get("ui.theme")))
            self.render_conversation()
        if reload_needed and self._model_path and self.host.model_info is not None:
            self.reload_button.show()
            self.statusBar().showMessage(self.tr("Some engine settings apply when the model is loaded again."), 8000)

    def _reload_model(self) -> None:
        if self._model_path:
            self.load_model(self._model_path)

    def _on_backend_report(self, report: object) -> None:
        self.backend_text = translated(report)  # lines written in English on the engine thread

    def _on_backend_unknown(self, message: object) -> None:
        self.backend_text = self.tr("llama.cpp could not say what it can use: {error}").format(error=translated(message))

    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a GGUF model"), str(Path.home()), self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.load_model(path)

    # -- conversations -------------------------------------------------------------------

    def refresh_list(self) -> None:
        query = self.sidebar.search.text().strip()
        if query:
            rows = [(hit.conversation.id, hit.conversation.title, hit.snippet) for hit in self.store.search(query)]
        else:
            rows = [(c.id, c.title, "") for c in self.store.list_conversations()]
        self.sidebar.set_conversations(rows, self.conversation_id)

    def new_conversation(self) -> None:
        """Starts an empty conversation; it is stored with its first message."""
        self.cancel_edit()
        self.conversation_id = None
        self.sidebar.list.clearSelection()
        self.sidebar.list.setCurrentItem(None)
        self._show_system_prompt("", "")
        self.render_conversation()
        self.context_meter.setValue(0)
        self.chat_input.setFocus()

    def open_conversation(self, conversation_id: int) -> None:
        if conversation_id == self.conversation_id:
            return
        self.cancel_edit()
        try:
            conversation = self.store.get_conversation(conversation_id)
        except StoreError as error:
            self._report(translated(error))
            return
        self.conversation_id = conversation_id
        self.store.set_meta(LAST_CONVERSATION_KEY, str(conversation_id))
        self._show_system_prompt(conversation.system_prompt, conversation.persona)
        self.render_conversation()
        self.sidebar.select(conversation_id)

    def _rename(self, conversation_id: int, title: str) -> None:
        self._write(lambda: self.store.rename_conversation(conversation_id, title))
        self.refresh_list()

    def delete_conversation(self, conversation_id: int) -> None:
        if self.streaming and self.streaming.conversation_id == conversation_id:
            self.stop()
        title = self.store.get_conversation(conversation_id).title or self.tr("Untitled conversation")
        if not self._write(lambda: self.store.delete_conversation(conversation_id)):
            return
        if conversation_id == self.conversation_id:
            self.new_conversation()
        self.refresh_list()
        self._offer_undo(self.tr("Deleted “{title}”.").format(title=title), lambda: self._restore_conversation(conversation_id))

    def _restore_conversation(self, conversation_id: int) -> None:
        self._write(lambda: self.store.restore_conversation(conversation_id))
        self.refresh_list()
        self.open_conversation(conversation_id)

    # -- sending and replies -------------------------------------------------------------

    def send(self) -> None:
        if self.session.send(self.chat_input.toPlainText(), self.system_prompt_edit.toPlainText(), self._chosen_persona()):
            self.chat_input.clear()

    def stop(self) -> None:
        self.session.stop()

    def regenerate_last(self) -> None:
        self.session.regenerate_last()

    def regenerate(self, message_id: int) -> None:
        self.session.regenerate(message_id)

    def continue_last(self) -> None:
        self.session.continue_last()

    def continue_reply(self, message_id: int) -> None:
        self.session.continue_reply(message_id)

    def flip_last(self, step: int) -> None:
        self.session.flip_last(step)

    def flip(self, message_id: int, step: int) -> None:
        self.session.flip(message_id, step)

    def edit_message(self, message_id: int) -> None:
        self.session.edit_message(message_id)

    def cancel_edit(self) -> None:
        self.session.cancel_edit()
        self.edit_banner.hide()
        self.cancel_edit_button.hide()

    def _show_editing(self, message: Message | None) -> None:
        if message is None:
            self.chat_input.clear()
            self.edit_banner.hide()
            self.cancel_edit_button.hide()
            return
        self.chat_input.setPlainText(message.content)
        self.edit_banner.show()
        self.cancel_edit_button.show()
        self.chat_input.setFocus()

    def delete_message(self, message_id: int) -> None:
        self.session.delete_message(message_id)

    def copy_last_reply(self) -> None:
        last = self._last_message("assistant")
        if last is not None:
            QGuiApplication.clipboard().setText(last.content)

    def _on_message_action(self, action: str, message_id: int, extra: int) -> None:
        if action == "reasoning":
            self.render_conversation()
        elif action == "copy":
            QGuiApplication.clipboard().setText(self.store.get_message(message_id).content)
            self.statusBar().showMessage(self.tr("Copied."), 2000)
        elif action == "copy-code":
            blocks = code_blocks(self.store.get_message(message_id).content)
            if extra < len(blocks):
                QGuiApplication.clipboard().setText(blocks[extra].text)
                self.statusBar().showMessage(self.tr("Code copied."), 2000)
        elif action == "regenerate":
            self.regenerate(message_id)
        elif action == "continue":
            self.continue_reply(message_id)
        elif action == "edit":
            self.edit_message(message_id)
        elif action == "delete":
            self.delete_message(message_id)
        elif action in ("previous", "next"):
            self.flip(message_id, -1 if action == "previous" else 1)

    def _set_generating(self, generating: bool) -> None:
        self.stop_button.setEnabled(generating)
        self._update_send_button()
        if not generating:
            self.chat_input.setFocus()

    def _update_send_button(self) -> None:
        """Send waits while a reply is written or a model loads (it would only say that none is loaded)."""
        self.send_button.setEnabled(self.streaming is None and not self.session.loads_pending)

    # -- rendering -----------------------------------------------------------------------

    def render_conversation(self) -> None:
        if self.conversation_id is None:
            self.chat_view.show_messages([])
            return
        path = self.store.path(self.conversation_id)
        streaming_id = self.streaming.message_id if self.streaming and self.streaming.conversation_id == self.conversation_id else None
        shown = [m for m in path if m.id != streaming_id]
        dropped = self._left_out_count(path)
        last_reply = next((m for m in reversed(shown) if m.role == "assistant"), None)
        items = []
        for index, message in enumerate(shown):
            siblings = self.store.siblings(message.id)
            is_last = index == len(shown) - 1
            items.append(MessageItem(
                message_id=message.id,
                role=message.role,
                content=message.content,
                status=message.status,
                footer=_stats_footer(message),
                alternative=next((i + 1 for i, s in enumerate(siblings) if s.id == message.id), 1),
                alternatives=len(siblings),
                in_context=index >= dropped,
                is_last=is_last,
                actions=self._actions_for(message, is_last and message is last_reply and streaming_id is None),
            ))
        self.chat_view.show_messages(items)
        if streaming_id is not None:
            self.chat_view.begin_reply(self.streaming.text)
        self._update_context_meter(path)

    def _actions_for(self, message: Message, last_reply: bool) -> tuple[str, ...]:
        if message.role == "user":
            return ("edit", "copy", "delete")
        actions = ["copy"]
        if last_reply:
            actions.append("regenerate")
            if message.status in ("length", "cancelled", "interrupted"):
                actions.append("continue")
        actions.append("delete")
        return tuple(actions)

    def _left_out_count(self, path: list[Message]) -> int:
        """How many of the oldest messages the last reply's prompt had to leave out."""
        for message in reversed(path):
            if message.role == "assistant" and message.stats:
                return int(message.stats.get("dropped_messages", 0))
        return 0

    def _update_context_meter(self, path: list[Message]) -> None:
        info = self.host.model_info
        stats = next((m.stats for m in reversed(path) if m.role == "assistant" and m.stats), None)
        if info is None or not stats:
            self.context_meter.setValue(0)
            self.context_meter.setToolTip(self.tr("How much of the model's context the conversation uses"))
            return
        used = int(stats.get("prompt_tokens", 0)) + int(stats.get("generated_tokens", 0))
        self.context_meter.setRange(0, info.n_ctx)
        self.context_meter.setValue(min(used, info.n_ctx))
        tip = self.tr("{used} of {total} tokens of context used").format(used=f"{used:,}", total=f"{info.n_ctx:,}")
        dropped = int(stats.get("dropped_messages", 0))
        if dropped:
            tip += self.tr("; the {dropped} oldest messages no longer fit and were left out").format(dropped=dropped)
        self.context_meter.setToolTip(tip)

    def _last_message(self, role: str) -> Message | None:
        return self.session.last_message(role)

    # -- system prompt and personas ------------------------------------------------------

    def _load_personas(self) -> None:
        personas, problem = all_personas(self.paths.config_dir)
        self.personas: dict[str, Persona] = {p.name: p for p in personas}
        self.persona_chooser.clear()
        for name in self.personas:  # shown in the interface's language, stored by its own name
            self.persona_chooser.addItem(translated(name), name)
        if problem:
            self.statusBar().showMessage(translated(problem), 10_000)

    def _show_system_prompt(self, text: str, persona: str) -> None:
        self.system_prompt_edit.blockSignals(True)
        self.system_prompt_edit.setPlainText(text)
        self.system_prompt_edit.blockSignals(False)
        # A prompt that matches no persona (edited, or a deleted persona) shows no persona.
        index = self.persona_chooser.findData(persona) if persona else (0 if not text else -1)
        self.persona_chooser.setCurrentIndex(index)

    def _on_persona_chosen(self, index: int) -> None:
        persona = self.personas.get(self.persona_chooser.itemData(index))
        if persona is not None:
            self.system_prompt_edit.setPlainText(persona.system_prompt)
            self._save_system_prompt(persona.name)

    def _on_system_prompt_edited(self) -> None:
        current = self.personas.get(self._chosen_persona())
        if current is not None and current.system_prompt != self.system_prompt_edit.toPlainText():
            self.persona_chooser.setCurrentIndex(-1)  # a custom prompt, no longer the persona
        self._save_system_prompt(self._chosen_persona())

    def _chosen_persona(self) -> str:
        """The chosen persona's own name (the chooser shows built-in ones translated)."""
        return self.persona_chooser.currentData() or ""

    def _save_system_prompt(self, persona: str) -> None:
        if self.conversation_id is not None:
            text = self.system_prompt_edit.toPlainText()
            self._write(lambda: self.store.set_system_prompt(self.conversation_id, text, persona), quiet=True)

    def _toggle_system_prompt(self, shown: bool) -> None:
        self.system_prompt_edit.setVisible(shown)
        self.save_persona_button.setVisible(shown)
        if shown:
            self.system_prompt_edit.setFocus()

    def save_persona(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save as persona"), self.tr("Name of the persona:"))
        if not ok or not name.strip():
            return
        try:
            save_user_persona(self.paths.config_dir, name, self.system_prompt_edit.toPlainText())
        except (OSError, ValueError) as error:
            self._report(self.tr("The persona could not be saved: {error}").format(error=translated(error)))
            return
        self._load_personas()
        self.persona_chooser.setCurrentIndex(self.persona_chooser.findData(name.strip()))
        self._save_system_prompt(name.strip())

    # -- export and import ---------------------------------------------------------------

    def export_conversation(self, conversation_id: int | None, kind: str) -> None:
        if conversation_id is None:
            self.statusBar().showMessage(self.tr("Open a conversation to export it."), 4000)
            return
        conversation = self.store.get_conversation(conversation_id)
        suffix, pattern = (".md", self.tr("Markdown (*.md)")) if kind == "markdown" else (".json", self.tr("JSON (*.json)"))
        default = str(Path.home() / f"{_safe_file_name(conversation.title or 'conversation')}{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export conversation"), default, pattern)
        if not path:
            return
        if kind == "markdown":
            text = self.store.export_markdown(conversation_id)
        else:
            text = json.dumps(self.store.export_json(conversation_id), ensure_ascii=False, indent=2)
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as error:
            self._report(self.tr("The conversation could not be exported to {path}: {error}").format(path=path, error=error.strerror or error))
            return
        self.statusBar().showMessage(self.tr("Exported to {path}").format(path=path), 5000)

    def import_conversation(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import a conversation"), str(Path.home()), self.tr("Inkwell conversations (*.json)"))
        if not path:
            return
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            conversation = self.store.import_json(data)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            self._report(self.tr("{name} could not be read as a conversation: {error}").format(name=Path(path).name, error=error))
            return
        except StoreError as error:
            self._report(translated(error))
            return
        self.refresh_list()
        self.open_conversation(conversation.id)
        self.statusBar().showMessage(self.tr("Imported “{title}”.").format(title=conversation.title), 5000)

    # -- helpers -------------------------------------------------------------------------

    def _write(self, change, quiet: bool = False):
        """Runs a store change; a failure (a full disk, say) is reported and the app goes on."""
        try:
            return change() or True
        except StoreError as error:
            if not quiet:
                self._report(translated(error))
            else:
                self.statusBar().showMessage(translated(error), 8000)
            return None

    def _report(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)
        self.chat_view.add_notice(message)

    def _offer_undo(self, text: str, undo) -> None:
        self._undo = undo
        self.undo_button.setText(self.tr("{text} Undo").format(text=text))
        self.undo_button.show()
        self._undo_timer.start(UNDO_SHOWN_MS)

    def _run_undo(self) -> None:
        undo, self._undo = self._undo, None
        self._clear_undo()
        if undo is not None:
            undo()

    def _clear_undo(self) -> None:
        self._undo = None
        self.undo_button.hide()

    def default_model(self) -> Path | str | None:
        """The model to open at start: the one set as default, while it exists (a remote
        engine, as ``remote:NAME``, while it is saved)."""
        chosen = str(self.settings.get("models.default_path"))
        if chosen.startswith(REMOTE_PREFIX):
            return chosen if EngineList(self.paths.config_dir).find(chosen[len(REMOTE_PREFIX):]) else None
        return Path(chosen) if chosen and Path(chosen).is_file() else None

    @property
    def writing(self) -> bool:
        return self.mode_tabs.currentWidget() is self.writing_desk

    def _rename_current(self) -> None:
        if self.writing:
            self.writing_desk.start_rename()
        elif self.conversation_id is not None:
            self.sidebar.start_rename(self.conversation_id)

    def _regenerate_or_retry(self) -> None:
        if self.writing:
            self.writing_desk.retry()
        else:
            self.regenerate_last()

    def _flip(self, step: int) -> None:
        if self.writing:
            self.writing_desk.flip(step)
        else:
            self.flip_last(step)

    # -- rewriting -----------------------------------------------------------------------

    def open_rewrite(self) -> None:
        """Opens the rewrite panel on the selection: the draft's or the message box's (Accept
        replaces it), or a conversation's (Accept copies the rewrite)."""
        if self.writing:
            edit, target = self.writing_desk.editor, "editor"
        elif self.chat_input.textCursor().hasSelection():
            edit, target = self.chat_input, "input"
        else:
            edit, target = None, "copy"
        if edit is not None and edit.textCursor().hasSelection():
            text = edit.toPlainText()
            start, end = edit.textCursor().selectionStart(), edit.textCursor().selectionEnd()
            before, after = context_around(text, start, end)
            self._rewrite_target = (target, start, end)
            self.rewrite_panel.open_for(text[start:end], before, after)
        else:
            # A passage selected in the conversation, or nothing: paste mode.
            passage = self.chat_view.textCursor().selectedText().replace("\u2029", "\n") if not self.writing else ""
            self._rewrite_target = None
            self.rewrite_panel.open_for(passage, accept_label=self.tr("Copy"))
        self.rewrite_dock.show()

    def _on_rewrite_accepted(self, passage: str, rewrite: str) -> None:
        target = self._rewrite_target
        if target is None or target[0] == "copy":
            QGuiApplication.clipboard().setText(rewrite)
            self.statusBar().showMessage(self.tr("Rewrite copied."), 4000)
            return
        kind, start, end = target
        edit = self.writing_desk.editor if kind == "editor" else self.chat_input
        if edit.toPlainText()[start:end] != passage:
            self._report(self.tr("The passage changed while it was being rewritten; select it again and retry."))
            return
        if kind == "editor":
            self.writing_desk.save()
            self.writing_desk.snapshot("before a rewrite")
        cursor = edit.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()  # one Ctrl+Z restores the original
        cursor.insertText(rewrite)
        cursor.endEditBlock()
        edit.setTextCursor(cursor)
        self._rewrite_target = (kind, start, start + len(rewrite))
        if kind == "editor":
            self.writing_desk.save()
        self.statusBar().showMessage(self.tr("Rewrite accepted; Ctrl+Z restores the original."), 5000)

    def _escape(self) -> None:
        if self.rewrite_panel.rewriting:
            self.rewrite_panel.cancel()
        elif self.writing:
            self.writing_desk.escape()
        elif self.streaming is not None:
            self.stop()
        elif self.editing is not None:
            self.cancel_edit()

    def _on_loading(self, path: str) -> None:
        self.chat_stack.setCurrentWidget(self.chat_view)
        remote = (self._model_path or "").startswith(REMOTE_PREFIX)
        self.model_label.setText(self.tr("Connecting to {name}…").format(name=path) if remote else
                                 self.tr("Loading {name}…").format(name=Path(path).name))
        self.context_label.clear()
        self.load_progress.show()

    def _show_model(self, info: ModelInfo) -> None:
        """The status bar and the Models page describe the model in use."""
        self.load_progress.hide()
        self.model_label.setText(_model_name(info))
        self.model_label.setToolTip(info.path)
        self.models_page.set_loaded(info.path)
        self.models_page.remote_engines.set_connected(info.remote_engine or None)
        self.gpu_label.setText(_offload_summary(info))
        self.gpu_label.setToolTip(translated(info.offload_note))
        self.context_label.setText(self.tr("context {size}").format(size=f"{info.n_ctx:,}"))

    def _on_loaded(self, info: ModelInfo) -> None:
        self._show_model(info)
        if info.offload_fell_back:
            self.chat_view.add_notice(translated(info.offload_note))  # never a silent fall-back
        if not info.has_chat_template:
            self.chat_view.add_notice(
                self.tr("{name} has no chat template, so Inkwell uses a plain “User: / Assistant:” format. Replies may be less focused.").format(name=info.name)
            )
        if info.template_note:
            self.chat_view.add_notice(translated(info.template_note))
        self.statusBar().showMessage(self.tr("Loaded {name}").format(name=info.name), 4000)

    def _on_load_failed(self, message: object) -> None:
        """The window says what is loaded after a failed load: the previous model when it is
        still there, otherwise none (and the welcome page)."""
        message = translated(message)
        still = self.host.model_info
        if still is not None:
            # The model in use stays loaded and usable; only the new one is not there.
            self._model_path = REMOTE_PREFIX + still.remote_engine if still.remote_engine else still.path
            self.reload_button.hide()
            self._show_model(still)
            kept = self.tr("The model could not be loaded; {name} is still in use.").format(name=_model_name(still))
            self.chat_view.add_notice(f"{message} {kept}")
            self.statusBar().showMessage(kept, 6000)
            return
        self.load_progress.hide()
        self.model_label.setText(self.tr("No model"))
        self.models_page.remote_engines.set_connected(None)
        self.chat_view.add_notice(message)
        self.statusBar().showMessage(self.tr("The model could not be loaded."), 6000)
        if self._model_path:
            self.reload_button.show()  # retrying is one click
        self.show_welcome(message)

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About Inkwell"), self.tr("Inkwell {version}\nA private chat and writing assistant that runs language models on this computer.").format(version=__version__))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.session.abandon()
        self.writing_desk.close_desk()
        self.host.shutdown()
        self.store.close()
        super().closeEvent(event)


_FINISH = {
    "stop": QT_TRANSLATE_NOOP("MainWindow", "complete"),
    "length": QT_TRANSLATE_NOOP("MainWindow", "stopped at the length limit"),
    "cancelled": QT_TRANSLATE_NOOP("MainWindow", "stopped by you"),
    "interrupted": QT_TRANSLATE_NOOP("MainWindow", "interrupted"),
}


def _stats_footer(message: Message) -> str:
    """The line under a reply, in the interface's language."""
    if message.role != "assistant" or not message.stats:
        return ""
    try:
        stats = GenerationStats(**message.stats)
    except TypeError:
        return ""

    # Spelled out, not through a local tr(): lupdate files a tr() outside a class under no context.
    parts = [
        QCoreApplication.translate("MainWindow", "{tokens} tokens").format(tokens=stats.generated_tokens),
        QCoreApplication.translate("MainWindow", "{speed} tok/s").format(speed=f"{stats.tokens_per_second:.1f}"),
        QCoreApplication.translate("MainWindow", "first token {seconds} s").format(seconds=f"{stats.time_to_first_token:.2f}"),
        QCoreApplication.translate("MainWindow", "prompt {prompt} ({cached} cached)").format(
            prompt=stats.prompt_tokens, cached=stats.cached_tokens),
        QCoreApplication.translate("MainWindow", _FINISH[stats.finish_reason]),
    ]
    if stats.dropped_messages:
        parts.append(QCoreApplication.translate("MainWindow", "{count} oldest messages left out to fit the context").format(
            count=stats.dropped_messages))
    return " · ".join(parts)


def _model_name(info: ModelInfo) -> str:
    if info.remote_engine:
        return QCoreApplication.translate("MainWindow", "{engine}: {model}").format(engine=info.remote_engine, model=info.name)
    return info.name


def _offload_summary(info: ModelInfo) -> str:
    if info.remote_engine:
        return QCoreApplication.translate("MainWindow", "remote engine")
    if info.gpu_layers <= 0:
        return QCoreApplication.translate("MainWindow", "CPU only")
    size = f", {info.gpu_bytes / 1e9:.1f} GB" if info.gpu_bytes else ""
    return QCoreApplication.translate("MainWindow", "{layers} of {total} layers on GPU ({device})").format(
        layers=info.gpu_layers, total=info.total_layers, device=f"{info.gpu_name or info.backend}{size}")


def _read_user_files(config_dir: Path) -> list[object]:
    """Reads the user's own preset files once, before the widgets do, and returns what was
    wrong with them. A file that cannot be read is kept aside by this first reading, so the
    widgets then find nothing to complain about and each problem is said once."""
    readers = (all_personas, all_styles, all_sampler_presets, lambda folder: EngineList(folder).load())
    return [problem for read in readers if (problem := read(config_dir)[1])]


def _safe_file_name(title: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip()
    return cleaned[:60] or "conversation"
