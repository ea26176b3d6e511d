"""Remote engines on the Models page: OpenAI-compatible servers to use instead of a local model."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.remote import DEFAULT_TIMEOUT_S, EngineList, KeyStore, RemoteEngine, RemoteError, normalize_url
from app.engine.remote import RemoteBackend
from app.ui.i18n import translated
from app.ui.tasks import Tasks
from app.ui.widgets import make_button

REMOTE_PREFIX = "remote:"  # how a remote engine is named where a model path could be
MODEL_LIST = "models"  # the dialog's background work (app.ui.tasks): asking the server for its models


class RemoteEngineDialog(QDialog):
    """Adds or edits one engine: name, address, API key, model, timeout, context length."""

    def __init__(self, engine: RemoteEngine | None, key: str, taken_names: set[str], keys_persistent: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remoteEngineDialog")
        self.setWindowTitle(self.tr("Remote engine") if engine is None else self.tr("Edit remote engine"))
        self.taken_names = {name.casefold() for name in taken_names}
        self.result_engine: RemoteEngine | None = None
        self.result_key = ""
        # The dialog stays responsive while a server answers; a newer Fetch replaces an older
        # one still waiting, and a closed dialog hears nothing more.
        self.tasks = Tasks(self, expected=(RemoteError,))
        self.finished.connect(lambda _result: self.tasks.replace_all())

        self.name_edit = self._line("remoteNameEdit", self.tr("Engine name"), self.tr("e.g. Team GPU server"))
        self.url_edit = self._line("remoteUrlEdit", self.tr("Server address"), "http://localhost:8080/v1")
        self.key_edit = self._line("remoteKeyEdit", self.tr("API key"), self.tr("optional"))
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("remoteModelCombo")
        self.model_combo.setAccessibleName(self.tr("Model on the server"))
        self.model_combo.setEditable(True)
        self.model_combo.lineEdit().setPlaceholderText(self.tr("the first model the server lists"))
        self.fetch_button = make_button(self.tr("Fetch models"), "fetchModelsButton",
                                        self.tr("Ask the server which models it serves"))
        self.timeout_spin = QSpinBox()
        self.timeout_spin.setObjectName("remoteTimeoutSpin")
        self.timeout_spin.setAccessibleName(self.tr("Timeout in seconds"))
        self.timeout_spin.setRange(1, 3600)
        self.timeout_spin.setSuffix(self.tr(" s"))
        self.context_spin = QSpinBox()
        self.context_spin.setObjectName("remoteContextSpin")
        self.context_spin.setAccessibleName(self.tr("Context length"))
        self.context_spin.setRange(0, 1_048_576)
        self.context_spin.setSingleStep(1024)
        self.context_spin.setSpecialValueText(self.tr("As the server says"))
        self.status = QLabel("")
        self.status.setObjectName("remoteStatusLabel")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        keychain = QLabel(self.tr("The key is kept in the system keychain.") if keys_persistent else
                          self.tr("No system keychain was found: the key is kept only until Inkwell closes."))
        keychain.setWordWrap(True)

        model_row = QHBoxLayout()
        model_row.addWidget(self.model_combo, 1)
        model_row.addWidget(self.fetch_button)
        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.name_edit)
        form.addRow(self.tr("Address:"), self.url_edit)
        form.addRow(self.tr("API key:"), self.key_edit)
        form.addRow("", keychain)
        form.addRow(self.tr("Model:"), model_row)
        form.addRow(self.tr("Timeout:"), self.timeout_spin)
        form.addRow(self.tr("Context:"), self.context_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("remoteDialogButtons")
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("saveRemoteButton")
        buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(self.tr("Cancel"))
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        intro = QLabel(self.tr(
            "Use a llama.cpp server, vLLM, Ollama, LM Studio or any OpenAI-compatible server. "
            "Inkwell connects to it only when you use this engine."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.fetch_button.clicked.connect(self.fetch_models)

        engine = engine or RemoteEngine("", "", timeout_s=DEFAULT_TIMEOUT_S)
        self.name_edit.setText(engine.name)
        self.url_edit.setText(engine.base_url)
        self.key_edit.setText(key)
        self.model_combo.setEditText(engine.model)
        self.timeout_spin.setValue(engine.timeout_s)
        self.context_spin.setValue(engine.context_length)
        self.resize(560, self.sizeHint().height())

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        return edit

    def _engine(self) -> RemoteEngine:
        """The engine as entered; raises ValueError with a message for the user."""
        url = normalize_url(self.url_edit.text())
        return RemoteEngine(
            name=self.name_edit.text().strip() or url,
            base_url=url,
            model=self.model_combo.currentText().strip(),
            timeout_s=self.timeout_spin.value(),
            context_length=self.context_spin.value(),
        )

    def fetch_models(self) -> None:
        try:
            engine = self._engine()
        except ValueError as error:
            self.status.setText(translated(error))
            return
        key = self.key_edit.text().strip()
        self.fetch_button.setEnabled(False)
        self.status.setText(self.tr("Asking {url} for its models…").format(url=engine.api_base))
        self.tasks.start(MODEL_LIST, lambda task: RemoteBackend(engine, key).list_models()[0],
                         succeeded=self._on_listed, failed=self._on_list_failed)

    def _on_listed(self, names: list[str]) -> None:
        self.fetch_button.setEnabled(True)
        typed = self.model_combo.currentText().strip()
        self.model_combo.clear()
        self.model_combo.addItems(names)
        self.model_combo.setEditText(typed if typed in names or not names else names[0])
        self.status.setText(self.tr("The server serves {count} model(s).").format(count=len(names)) if names else
                            self.tr("The server answered but serves no model yet."))

    def _on_list_failed(self, error: BaseException) -> None:
        self.fetch_button.setEnabled(True)
        self.status.setText(translated(error))

    def _save(self) -> None:
        try:
            engine = self._engine()
        except ValueError as error:
            self.status.setText(translated(error))
            self.url_edit.setFocus()
            return
        if engine.name.casefold() in self.taken_names:
            self.status.setText(self.tr("Another engine is already called '{name}'.").format(name=engine.name))
            self.name_edit.setFocus()
            return
        self.result_engine, self.result_key = engine, self.key_edit.text().strip()
        self.accept()


class RemoteEnginesBox(QGroupBox):
    """The saved engines, with Add, Edit, Remove, Connect and Set as default."""

    connect_requested = Signal(str)  # engine name
    default_requested = Signal(str)  # REMOTE_PREFIX + engine name
    message = Signal(str)

    def __init__(self, config_dir, keys: KeyStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Remote engines"), parent)
        self.setObjectName("remoteEnginesBox")
        self.engines = EngineList(config_dir)
        self.keys = keys or KeyStore()
        self.connected: str | None = None
        self.default = ""  # the default model or engine (REMOTE_PREFIX + name for an engine)
        self.engine_list = QListWidget()
        self.engine_list.setObjectName("remoteEngineList")
        self.engine_list.setAccessibleName(self.tr("Remote engines"))
        self.add_button = make_button(self.tr("Add…"), "addRemoteButton", self.tr("Add an OpenAI-compatible server"))
        self.edit_button = make_button(self.tr("Edit…"), "editRemoteButton", self.tr("Change the chosen engine"))
        self.remove_button = make_button(self.tr("Remove"), "removeRemoteButton", self.tr("Forget the chosen engine and its key"))
        self.connect_button = make_button(self.tr("Connect"), "connectRemoteButton",
                                          self.tr("Use the chosen engine instead of a local model"))
        self.default_button = make_button(self.tr("Set as default"), "defaultRemoteButton",
                                          self.tr("Connect to this engine when Inkwell starts"))
        buttons = QGridLayout()  # two rows, for a narrow window
        for index, button in enumerate((self.connect_button, self.default_button, self.add_button,
                                        self.edit_button, self.remove_button)):
            buttons.addWidget(button, index // 3, index % 3)
        intro = QLabel(self.tr("A server on your network or a GPU box runs bigger models; "
                               "chat, continuation and rewriting work the same."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.engine_list, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current_name()))
        self.remove_button.clicked.connect(self.remove)
        self.connect_button.clicked.connect(self._connect)
        self.engine_list.itemDoubleClicked.connect(lambda _item: self._connect())
        self.default_button.clicked.connect(self._set_default)
        self.engine_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.refresh()

    def refresh(self) -> None:
        engines, problem = self.engines.load()
        if problem:
            self.message.emit(translated(problem))
        current = self.current_name()
        self.engine_list.clear()
        first_model = self.tr("first model")
        for engine in engines:
            text = f"{engine.name} — {engine.model or first_model} · {engine.api_base}"
            if engine.name == self.connected:
                text += " · " + self.tr("connected")
            if REMOTE_PREFIX + engine.name == self.default:
                text += " · " + self.tr("default")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, engine.name)
            self.engine_list.addItem(item)
            if engine.name == current:
                self.engine_list.setCurrentItem(item)
        if self.engine_list.currentRow() < 0 and engines:
            self.engine_list.setCurrentRow(0)
        self._update_buttons()

    def current_name(self) -> str | None:
        item = self.engine_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def set_connected(self, name: str | None) -> None:
        self.connected = name
        self.refresh()

    def set_default(self, path: str) -> None:
        """The default model or engine, as settings keep it: only an engine's row is marked."""
        self.default = path
        self.refresh()

    def _update_buttons(self) -> None:
        chosen = self.current_name() is not None
        for button in (self.edit_button, self.remove_button, self.connect_button, self.default_button):
            button.setEnabled(chosen)

    def edit(self, name: str | None) -> None:
        engines, _ = self.engines.load()
        engine = next((e for e in engines if e.name == name), None) if name else None
        dialog = RemoteEngineDialog(engine, self.keys.get(name) if name else "",
                                    {e.name for e in engines if e.name != name}, self.keys.persistent, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_engine is None:
            return
        new = dialog.result_engine
        try:
            self.engines.put(new, replacing=name)
        except OSError as error:
            self.message.emit(self.tr("The engine could not be saved: {error}").format(error=error.strerror or error))
            return
        if name:
            self.keys.rename(name, new.name)
        problem = self.keys.set(new.name, dialog.result_key)
        if problem:
            self.message.emit(translated(problem))
        self.refresh()
        self.engine_list.setCurrentRow(next(i for i in range(self.engine_list.count())
                                            if self.engine_list.item(i).data(Qt.ItemDataRole.UserRole) == new.name))

    def remove(self) -> None:
        name = self.current_name()
        if name is None:
            return
        answer = QMessageBox.question(self, self.tr("Remove engine"),
                                      self.tr("Forget the engine '{name}' and its API key?").format(name=name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.engines.remove(name)
        except OSError as error:
            self.message.emit(self.tr("The engine could not be removed: {error}").format(error=error.strerror or error))
            return
        self.keys.delete(name)
        self.refresh()

    def _connect(self) -> None:
        name = self.current_name()
        if name is not None:
            self.connect_requested.emit(name)

    def _set_default(self) -> None:
        name = self.current_name()
        if name is not None:
            self.default_requested.emit(REMOTE_PREFIX + name)
