"""Inkwell's main window: a conversation with the loaded model."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.core.generation import ChatMessage, GenerationRequest, GenerationStats, LoadParams, ModelInfo
from app.core.resources import resource_path
from app.engine.host import EngineHost
from app.ui.chat_input import ChatInput
from app.ui.chat_view import ChatView


class MainWindow(QMainWindow):
    def __init__(self, host: EngineHost, load_params: LoadParams = LoadParams()) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Inkwell")
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkwell.svg"))))
        self.resize(900, 700)
        self.host = host
        self.load_params = load_params
        self.messages: list[ChatMessage] = []
        self.system_prompt = ""
        self.max_tokens = 512
        self._active_request: int | None = None

        self.chat_view = ChatView()
        self.chat_input = ChatInput()
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("sendButton")
        self.send_button.setAccessibleName("Send")
        self.send_button.setToolTip("Send the message (Enter)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.setToolTip("Stop the reply (Esc)")
        self.stop_button.setEnabled(False)

        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        input_row = QHBoxLayout()
        input_row.addWidget(self.chat_input, 1)
        input_row.addLayout(buttons)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.chat_view, 1)
        layout.addLayout(input_row)
        self.setCentralWidget(central)

        self._build_status_bar()
        self._build_menus()

        self.chat_input.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        stop_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        stop_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        stop_shortcut.activated.connect(self.stop)

        host.loading.connect(self._on_loading)
        host.loaded.connect(self._on_loaded)
        host.load_failed.connect(self._on_load_failed)
        host.chunk.connect(self._on_chunk)
        host.finished.connect(self._on_finished)
        host.failed.connect(self._on_failed)
        self.chat_input.setFocus()

    # -- building ------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_label = QLabel("No model")
        self.model_label.setObjectName("modelLabel")
        self.context_label = QLabel("")
        self.context_label.setObjectName("contextLabel")
        self.speed_label = QLabel("")
        self.speed_label.setObjectName("speedLabel")
        self.load_progress = QProgressBar()
        self.load_progress.setObjectName("loadProgress")
        self.load_progress.setAccessibleName("Model loading")
        self.load_progress.setRange(0, 0)  # llama.cpp reports no load progress: show activity
        self.load_progress.setMaximumWidth(140)
        self.load_progress.hide()
        bar.addPermanentWidget(self.load_progress)
        bar.addPermanentWidget(self.model_label)
        bar.addPermanentWidget(self.context_label)
        bar.addPermanentWidget(self.speed_label)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open model…", self)
        open_action.setObjectName("openModelAction")
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.choose_model)
        file_menu.addAction(open_action)
        clear_action = QAction("&Clear conversation", self)
        clear_action.setObjectName("clearConversationAction")
        clear_action.triggered.connect(self.clear_conversation)
        file_menu.addAction(clear_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about_action = QAction("&About Inkwell", self)
        about_action.triggered.connect(self._about)
        help_menu.addAction(about_action)

    # -- actions -------------------------------------------------------------------------

    def load_model(self, path: str | Path) -> None:
        self.host.load_model(str(path), self.load_params)

    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a GGUF model", str(Path.home()), "GGUF models (*.gguf);;All files (*)"
        )
        if path:
            self.load_model(path)

    def send(self) -> None:
        text = self.chat_input.toPlainText().strip()
        if not text:
            return
        if self._active_request is not None:
            self.statusBar().showMessage("A reply is still being written; press Esc to stop it.", 4000)
            return
        if self.host.model_info is None:
            self.statusBar().showMessage("No model is loaded yet. Use File → Open model…", 5000)
            return
        self.chat_input.clear()
        self.messages.append(ChatMessage("user", text))
        self.chat_view.add_message("user", text)
        self.chat_view.begin_reply()
        conversation = tuple(self.messages)
        if self.system_prompt:
            conversation = (ChatMessage("system", self.system_prompt), *conversation)
        request = GenerationRequest(messages=conversation, max_tokens=self.max_tokens)
        self._active_request = self.host.generate(request)
        self._set_generating(True)

    def stop(self) -> None:
        if self._active_request is not None:
            self.host.cancel(self._active_request)

    def clear_conversation(self) -> None:
        self.stop()
        self.messages.clear()
        self.chat_view.clear_conversation()

    def _set_generating(self, generating: bool) -> None:
        self.stop_button.setEnabled(generating)
        self.send_button.setEnabled(not generating)

    # -- engine results ------------------------------------------------------------------

    def _on_loading(self, path: str) -> None:
        self.model_label.setText(f"Loading {Path(path).name}…")
        self.context_label.clear()
        self.load_progress.show()

    def _on_loaded(self, info: ModelInfo) -> None:
        self.load_progress.hide()
        self.model_label.setText(info.name)
        self.model_label.setToolTip(info.path)
        self.context_label.setText(f"context {info.n_ctx:,}")
        if not info.has_chat_template:
            self.chat_view.add_notice(
                f"{info.name} has no chat template, so Inkwell uses a plain "
                "“User: / Assistant:” format. Replies may be less focused."
            )
        self.statusBar().showMessage(f"Loaded {info.name}", 4000)

    def _on_load_failed(self, message: str) -> None:
        self.load_progress.hide()
        self.model_label.setText("No model")
        self.chat_view.add_notice(message)
        self.statusBar().showMessage("The model could not be loaded.", 6000)

    def _on_chunk(self, request_id: int, text: str) -> None:
        if request_id == self._active_request:
            self.chat_view.append_reply(text)

    def _on_finished(self, request_id: int, stats: GenerationStats) -> None:
        if request_id != self._active_request:
            return
        reply = self.chat_view.end_reply(stats.summary())
        if reply:
            self.messages.append(ChatMessage("assistant", reply))
        self.speed_label.setText(f"{stats.tokens_per_second:.1f} tok/s")
        self._finish_request()

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id != self._active_request:
            return
        reply = self.chat_view.end_reply("Interrupted")
        if reply:
            self.messages.append(ChatMessage("assistant", reply))
        self.chat_view.add_notice(message)
        self._finish_request()

    def _finish_request(self) -> None:
        self._active_request = None
        self._set_generating(False)
        self.chat_input.setFocus()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Inkwell",
            f"Inkwell {__version__}\nA private chat and writing assistant that runs language "
            "models on this computer.",
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.host.shutdown()
        super().closeEvent(event)
