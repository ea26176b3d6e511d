"""The model in use: loading one, connecting to a remote engine, unloading, loading again and
the default, and the status-bar widgets that describe it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar

from app.core.generation import ModelInfo
from app.core.paths import AppPaths
from app.core.writing_model import find_writing_model
from app.core.remote import EngineList
from app.engine.host import EngineHost
from app.ui.i18n import translated
from app.ui.remote_engines import REMOTE_PREFIX
from app.ui.services import Preferences
from app.ui.widgets import make_button


class ModelSession(QObject):
    """Asks the engine for a model and says what happened. ``remote_keys`` gives the API keys
    of the saved remote engines (kept in the system's keyring by the Models page)."""

    switching = Signal()  # another model is about to be used: a reply being written stops
    notice = Signal(str)  # a lasting notice for the conversation
    status = Signal(str, int)  # a passing status message and how long to show it (ms)
    welcome = Signal(str)  # no model is there: offer the ways to get one, with this message
    reload_offered = Signal(bool)  # loading the same model again would help (or no longer)

    def __init__(self, host: EngineHost, paths: AppPaths, preferences: Preferences, remote_keys,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.paths = paths
        self.preferences = preferences
        self.remote_keys = remote_keys
        self.model_path: str | None = None  # what was asked for last: a GGUF path or remote:NAME
        self._chat_model: str | None = None  # what chat used while the Writing tab has its own model
        host.loaded.connect(self._on_loaded)
        host.load_failed.connect(self._on_load_failed)
        host.unloaded.connect(self._on_unloaded)

    @property
    def remote(self) -> bool:
        return (self.model_path or "").startswith(REMOTE_PREFIX)

    def load(self, path: str | Path) -> None:
        """Loads a GGUF, or connects to a remote engine named ``remote:NAME``."""
        if str(path).startswith(REMOTE_PREFIX):
            self.connect_remote(str(path)[len(REMOTE_PREFIX):])
            return
        self.model_path = str(path)
        self.reload_offered.emit(False)
        self.host.load_model(str(path), self.preferences.load_params)

    def connect_remote(self, name: str) -> None:
        """Uses a saved remote engine (an OpenAI-compatible server) instead of a local model."""
        engine = EngineList(self.preferences.config_dir).find(name)
        if engine is None:
            self._on_load_failed(self.tr("There is no remote engine called '{name}' any more; add it again on the Models page.").format(name=name))
            return
        self.switching.emit()
        self.model_path = REMOTE_PREFIX + engine.name
        self.reload_offered.emit(False)
        self.host.connect_remote(engine, self.remote_keys().get(engine.name))

    def unload(self) -> None:
        self.switching.emit()
        self.host.unload_model()

    def reload(self) -> None:
        if self.model_path:
            self.load(self.model_path)

    def default_model(self) -> Path | str | None:
        """The model to open at start: the one set as default, while it exists (a remote
        engine, as ``remote:NAME``, while it is saved)."""
        chosen = str(self.preferences.settings.get("models.default_path"))
        if chosen.startswith(REMOTE_PREFIX):
            return chosen if EngineList(self.preferences.config_dir).find(chosen[len(REMOTE_PREFIX):]) else None
        return Path(chosen) if chosen and Path(chosen).is_file() else None

    def writing_model(self) -> Path | None:
        """The Writing tab's own model: the one the settings name, or with "auto" the
        installed writing model; None when the tab uses the chat's model."""
        chosen = str(self.preferences.settings.get("models.writing_path")).strip()
        if chosen == "auto":
            return find_writing_model(self.paths)
        return Path(chosen) if chosen and Path(chosen).is_file() else None

    def use_for(self, writing: bool) -> None:
        """The Writing tab was opened (``writing``) or left: the tab's own model is loaded for
        it, and the chat's model again after it."""
        own = self.writing_model()
        if own is None:
            return
        if writing:
            if self.model_path != str(own):
                self._chat_model = self.model_path
                self.load(own)
        elif self.model_path == str(own) and self._chat_model:
            chat, self._chat_model = self._chat_model, None
            self.load(chat)

    def set_default(self, path: str) -> None:
        settings = self.preferences.settings.copy()
        settings.set("models.default_path", path)
        self.settings_applied(self.preferences.apply(settings))
        name = path[len(REMOTE_PREFIX):] if path.startswith(REMOTE_PREFIX) else Path(path).name
        self.status.emit(self.tr("{name} opens when Inkwell starts.").format(name=name), 5000)

    def settings_applied(self, reload_needed: bool) -> None:
        """New settings are in use; some apply only when the model loads again."""
        if reload_needed and self.model_path and self.host.model_info is not None:
            self.reload_offered.emit(True)
            self.status.emit(self.tr("Some engine settings apply when the model is loaded again."), 8000)

    def _on_loaded(self, info: ModelInfo) -> None:
        if info.offload_fell_back:
            self.notice.emit(translated(info.offload_note))  # never a silent fall-back
        if not info.has_chat_template:
            self.notice.emit(self.tr("{name} has no chat template, so Inkwell uses a plain “User: / Assistant:” format. Replies may be less focused.").format(name=info.name))
        if info.template_note:
            self.notice.emit(translated(info.template_note))
        self.status.emit(self.tr("Loaded {name}").format(name=info.name), 4000)

    def _on_load_failed(self, message: object) -> None:
        """After a failed load: the previous model when it is still there, otherwise none
        (and the welcome page)."""
        message = translated(message)
        still = self.host.model_info
        if still is not None:
            # The model in use stays loaded and usable; only the new one is not there.
            self.model_path = REMOTE_PREFIX + still.remote_engine if still.remote_engine else still.path
            self.reload_offered.emit(False)
            kept = self.tr("The model could not be loaded; {name} is still in use.").format(name=model_name(still))
            self.notice.emit(f"{message} {kept}")
            self.status.emit(kept, 6000)
            return
        self.notice.emit(message)
        self.status.emit(self.tr("The model could not be loaded."), 6000)
        if self.model_path:
            self.reload_offered.emit(True)  # retrying is one click
        self.welcome.emit(message)

    def _on_unloaded(self) -> None:
        self.welcome.emit("")
        self.status.emit(self.tr("The model was unloaded; its memory is free."), 5000)


class ModelStatus(QObject):
    """The status-bar widgets that say which model is in use, where it runs, and offer to
    load it again."""

    def __init__(self, session: ModelSession) -> None:
        super().__init__(session)
        self.session = session
        self.model_label = QLabel(self.tr("No model"))
        self.model_label.setObjectName("modelLabel")
        self.context_label = QLabel("")
        self.context_label.setObjectName("contextLabel")
        self.gpu_label = QLabel("")
        self.gpu_label.setObjectName("gpuLabel")
        self.load_progress = QProgressBar()
        self.load_progress.setObjectName("loadProgress")
        self.load_progress.setAccessibleName(self.tr("Model loading"))
        self.load_progress.setRange(0, 0)  # llama.cpp reports no load progress: show activity
        self.load_progress.setMaximumWidth(140)
        self.load_progress.hide()
        self.reload_button = make_button(self.tr("Reload the model"), "reloadButton", self.tr("Load the model again: after changing engine settings, or to try again after a failure"))
        self.reload_button.hide()
        self.reload_button.clicked.connect(session.reload)
        session.reload_offered.connect(self.reload_button.setVisible)
        host = session.host
        host.loading.connect(self._on_loading)
        host.loaded.connect(self.show_model)
        host.load_failed.connect(lambda _message: self.show_model(host.model_info))
        host.unloaded.connect(lambda: self.show_model(None))

    def widgets(self) -> tuple:
        return (self.reload_button, self.load_progress, self.model_label, self.gpu_label, self.context_label)

    def _on_loading(self, path: str) -> None:
        self.model_label.setText(self.tr("Connecting to {name}…").format(name=path) if self.session.remote else
                                 self.tr("Loading {name}…").format(name=Path(path).name))
        self.context_label.clear()
        self.load_progress.show()

    def show_model(self, info: ModelInfo | None) -> None:
        self.load_progress.hide()
        if info is None:
            self.model_label.setText(self.tr("No model"))
            self.model_label.setToolTip("")
            self.gpu_label.clear()
            self.context_label.clear()
            return
        self.model_label.setText(model_name(info))
        self.model_label.setToolTip(info.path)
        self.gpu_label.setText(offload_summary(info))
        self.gpu_label.setToolTip(translated(info.offload_note))
        self.context_label.setText(self.tr("context {size}").format(size=f"{info.n_ctx:,}"))


def model_name(info: ModelInfo) -> str:
    if info.remote_engine:
        return QCoreApplication.translate("ModelStatus", "{engine}: {model}").format(engine=info.remote_engine, model=info.name)
    return info.name


def offload_summary(info: ModelInfo) -> str:
    if info.remote_engine:
        return QCoreApplication.translate("ModelStatus", "remote engine")
    if info.gpu_layers <= 0:
        return QCoreApplication.translate("ModelStatus", "CPU only")
    size = f", {info.gpu_bytes / 1e9:.1f} GB" if info.gpu_bytes else ""
    return QCoreApplication.translate("ModelStatus", "{layers} of {total} layers on GPU ({device})").format(
        layers=info.gpu_layers, total=info.total_layers, device=f"{info.gpu_name or info.backend}{size}")
