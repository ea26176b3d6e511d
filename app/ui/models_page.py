"""The Models page: every GGUF Inkwell can use, the catalog, and downloads from the Hub."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
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

from app.core.downloads import Download, DownloadCancelled, DownloadError, Progress, RemoteFile, list_gguf_files, parse_repo_ref
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
from app.ui.i18n import translated
from app.ui.remote_engines import RemoteEnginesBox
from app.ui.widgets import make_button

ADDED_FILE = "added_models.json"  # GGUFs the user imported from elsewhere, used in place


class Scan(QThread):
    """Finds models and this computer's free memory off the GUI thread (nvidia-smi can be slow).

    Each file costs little whatever it holds (read_gguf's limits); a newer scan, or the page
    going away, cancels this one, which then stops between files and reports nothing. Until
    it has stopped it is kept in ``_running``: a QThread destroyed while it runs ends the app."""

    found = Signal(object, object, object)  # models, available RAM, free VRAM
    _running: set["Scan"] = set()

    def __init__(self, folders, starter) -> None:
        super().__init__()
        self.folders, self.starter = folders, starter
        self.cancelled = threading.Event()
        Scan._running = {scan for scan in Scan._running if not scan.isFinished()} | {self}

    def cancel(self) -> None:
        self.cancelled.set()

    def run(self) -> None:
        models = discover(self.folders, starter=self.starter, cancelled=self.cancelled.is_set)
        if self.cancelled.is_set():
            return
        devices = gpus()
        if not self.cancelled.is_set():
            self.found.emit(models, available_memory_bytes(), devices[0].free_bytes if devices else None)


class Background(QObject):
    """Runs ``work()`` on a thread of its own and hands the result back on the GUI thread."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, work, errors: tuple[type[Exception], ...]) -> None:
        super().__init__()
        self.work, self.errors = work, errors

    def start(self) -> "Background":
        threading.Thread(target=self._run, name="InkwellBackground", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            result = self.work()
        except self.errors as error:
            self.failed.emit(translated(error))  # translate() is thread-safe
        else:
            self.done.emit(result)


class DownloadRunner(QObject):
    """Runs one download on its own thread; reports through queued signals."""

    progressed = Signal(object)  # Progress
    finished = Signal(str)  # the downloaded file
    failed = Signal(str, bool)  # message, whether it was a cancel

    def __init__(self, download: Download) -> None:
        super().__init__()
        self.download = download
        self.cancel = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, name="InkwellDownload", daemon=True).start()

    def _run(self) -> None:
        try:
            path = self.download.run(progress=self.progressed.emit, cancel=self.cancel)
        except DownloadCancelled as error:
            self.failed.emit(translated(error), True)
        except DownloadError as error:
            self.failed.emit(translated(error), False)
        else:
            self.finished.emit(str(path))


class ModelsPage(QWidget):
    load_requested = Signal(str)
    unload_requested = Signal()
    default_changed = Signal(str)
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
        self.remote_files: list[RemoteFile] = []
        self.remote_repo = ""
        self.runner: DownloadRunner | None = None
        self._listing: Background | None = None
        self._scan: Scan | None = None
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
        actions = QHBoxLayout()
        for button in (self.load_button, self.unload_button, self.default_button, self.reveal_button, self.delete_button):
            actions.addWidget(button)
        local_tools = QHBoxLayout()
        local_tools.addWidget(self.import_button)
        local_tools.addWidget(self.refresh_button)
        local_tools.addStretch(1)
        local = QGroupBox(self.tr("On this computer"))
        local_layout = QVBoxLayout(local)
        local_layout.addLayout(local_tools)
        local_layout.addWidget(self.model_list, 2)
        local_layout.addWidget(self.details, 1)
        local_layout.addLayout(actions)

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
        online_layout.addWidget(QLabel(self.tr("Recommended for laptops (the label says whether it fits this computer):")))
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
        self.catalog_download_button.clicked.connect(self._download_catalog_entry)
        self.list_files_button.clicked.connect(lambda: self._list_remote())
        self.repo_input.returnPressed.connect(lambda: self._list_remote())
        self.remote_download_button.clicked.connect(self._download_remote)
        self.cancel_button.clicked.connect(self.cancel_download)

    # -- local models --------------------------------------------------------------------

    def added_paths(self) -> list[Path]:
        try:  # read_config: whatever the file holds (nested 200,000 deep, say), no exception but these
            return read_config(self.paths.config_dir / ADDED_FILE, lambda data: [Path(p) for p in data])
        except (OSError, ValueError):
            return []

    def refresh(self) -> None:
        """Looks for models again (in the background)."""
        folders = default_search_folders(self.paths, extra=sorted({p.parent for p in self.added_paths()}))
        if self._scan is not None:
            self._scan.cancel()  # its results would be older than this scan's
        self._scan = Scan(folders, find_starter_model())
        self._scan.found.connect(self._on_scanned)
        self.destroyed.connect(self._scan.cancelled.set)  # a closed page wants no more results
        self._scan.start()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._scan is not None:
            self._scan.cancel()
        super().closeEvent(event)

    def set_loaded(self, path: str | None) -> None:
        self.loaded_path = path
        self._on_scanned(self.models, *self.memory)

    def _on_scanned(self, models: list[ModelFile], ram: int | None, vram: int | None) -> None:
        self.models, self.memory = models, (ram, vram)
        current = self.model_list.currentRow()
        self.model_list.clear()
        for model in models:
            if model.problem:
                text = self.tr("{name} — cannot be used").format(name=model.name)
            else:
                label = translated(FIT_TEXT[model_fit(model, FIT_CONTEXT, ram, vram)[0]])
                marks = " · " + self.tr("loaded") if str(model.path) == self.loaded_path else ""
                marks += " · " + self.tr("default") if str(model.path) == self.default_path else ""
                text = f"{model.name}   {format_size(model.size_bytes)} · {label}{marks}"
            item = QListWidgetItem(text)
            item.setToolTip(translated(model.problem) if model.problem else str(model.path))
            if model.problem:
                item.setForeground(Qt.GlobalColor.gray)
            self.model_list.addItem(item)
        self.model_list.setCurrentRow(min(max(current, 0), len(models) - 1))
        self._fill_catalog()

    def _fill_catalog(self) -> None:
        ram, vram = self.memory
        self.catalog_list.clear()
        for entry in self.catalog:
            fit, why = catalog_fit(entry, FIT_CONTEXT, ram, vram)
            label, why = translated(FIT_TEXT[fit]), translated(why)
            item = QListWidgetItem(f"{entry.name}   {format_size(entry.size_bytes)} · {label} · {translated(entry.good_for)}")
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
            self.default_path = str(model.path)
            self.default_changed.emit(self.default_path)
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
        try:
            for part in model.parts:
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
        """Lists the repo's GGUF files in the background (the network may be slow or absent)."""
        try:
            repo, file_name = parse_repo_ref(self.repo_input.text())
        except ValueError as error:
            self.message.emit(translated(error))
            return
        wanted = then_download or file_name
        self.progress_label.setText(self.tr("Asking the Hub about {repo}…").format(repo=repo))
        self._listing = Background(lambda: list_gguf_files(repo), (DownloadError,))
        self._listing.done.connect(lambda files: self._on_listed(repo, files, wanted, bool(then_download)))
        self._listing.failed.connect(self._on_list_failed)
        self._listing.start()

    def _on_list_failed(self, message: str) -> None:
        self.progress_label.setText(message)
        self.message.emit(message)

    def _on_listed(self, repo: str, files: list[RemoteFile], wanted: str | None, download: bool) -> None:
        self.remote_repo, self.remote_files = repo, files
        self.remote_list.clear()
        for remote in files:
            self.remote_list.addItem(f"{remote.path}   {format_size(remote.size)}   {remote.quant or ''}")
        self.progress_label.setText(
            self.tr("{count} GGUF files in {repo}.").format(count=len(files), repo=repo) if files
            else self.tr("{repo} has no GGUF files.").format(repo=repo))
        match = next((i for i, f in enumerate(files) if f.path == wanted), None)
        if match is not None:
            self.remote_list.setCurrentRow(match)
            if download:
                self._download_remote()
        elif download:
            self.message.emit(self.tr("{repo} no longer has {file}; pick a file from its list.").format(repo=repo, file=wanted))

    def _download_remote(self) -> None:
        row = self.remote_list.currentRow()
        if self.runner is not None:
            self.message.emit(self.tr("A download is already running."))
            return
        if not 0 <= row < len(self.remote_files):
            self.message.emit(self.tr("Choose a file to download first."))
            return
        self.paths.models_dir.mkdir(parents=True, exist_ok=True)
        self.runner = DownloadRunner(Download(self.remote_repo, self.remote_files[row], self.paths.models_dir))
        self.runner.progressed.connect(self._on_progress)
        self.runner.finished.connect(self._on_downloaded)
        self.runner.failed.connect(self._on_download_failed)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.progress_label.setText(self.tr("Downloading {name}…").format(name=self.remote_files[row].name))
        self.runner.start()

    def cancel_download(self) -> None:
        if self.runner is not None:
            self.runner.cancel.set()

    def _on_progress(self, progress: Progress) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * progress.done / progress.total) if progress.total else 0)
        left = (self.tr(", {seconds} s left").format(seconds=f"{progress.seconds_left:.0f}")
                if progress.seconds_left is not None else "")
        self.progress_label.setText(
            self.tr("{done} of {total} · {speed}/s{left}").format(
                done=format_size(progress.done), total=format_size(progress.total),
                speed=format_size(int(progress.bytes_per_second)), left=left)
        )

    def _on_downloaded(self, path: str) -> None:
        self._end_download(self.tr("Downloaded and verified {name}.").format(name=Path(path).name))
        self.refresh()

    def _on_download_failed(self, message: str, cancelled: bool) -> None:
        self._end_download(self.tr("Download stopped; download it again to resume.") if cancelled else message)

    def _end_download(self, text: str) -> None:
        self.runner = None
        self.cancel_button.hide()
        self.progress_label.setText(text)
        self.message.emit(text)


def _list(name: str, accessible: str) -> QListWidget:
    widget = QListWidget()
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget
