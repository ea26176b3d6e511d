"""The rewrite panel: a passage rewritten in another style, shown as a word diff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QInputDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.generation import GenerationRequest, GenerationStats, SamplerSettings
from app.core.rewrite import (
    Style,
    all_styles,
    build_rewrite_messages,
    clean_reply,
    diff_html,
    estimate_tokens,
    rewrite_max_tokens,
    save_user_style,
    word_diff,
)
from app.engine.generation import Generation
from app.engine.host import EngineHost
from app.ui.i18n import translated
from app.ui.widgets import make_button

PROMPT_OVERHEAD_TOKENS = 200  # instructions, the context around the passage, the template


@dataclass
class RewriteJob:
    passage: str
    before: str = ""
    after: str = ""
    alternatives: list[str] = field(default_factory=list)
    shown: int = 0
    generation: Generation | None = None  # the alternative being written, if any
    raw: str = ""  # the streaming reply, before cleaning

    @property
    def writing(self) -> bool:
        return self.generation is not None


class RewritePanel(QWidget):
    accepted = Signal(str, str)  # original passage, its rewrite
    message = Signal(str)

    def __init__(self, host: EngineHost, config_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rewritePanel")
        self.host = host
        self.config_dir = config_dir
        self.job: RewriteJob | None = None
        # The window passes the preset the settings choose for rewriting.
        self.sampler_for: Callable[[], SamplerSettings] = SamplerSettings
        self.accept_label = self.tr("Accept")

        self.style_chooser = QComboBox()
        self.style_chooser.setObjectName("styleChooser")
        self.style_chooser.setAccessibleName(self.tr("Style"))
        self.instruction = QLineEdit()
        self.instruction.setObjectName("rewriteInstruction")
        self.instruction.setAccessibleName(self.tr("Extra instruction"))
        self.instruction.setPlaceholderText(self.tr("Optional: “make it sadder”, “shorter, keep the names”…"))
        self.source = QPlainTextEdit()
        self.source.setObjectName("rewriteSource")
        self.source.setAccessibleName(self.tr("Passage to rewrite"))
        self.source.setPlaceholderText(self.tr("Select a passage and press Ctrl+Shift+R, or paste text here."))
        self.source.setMaximumHeight(120)
        self.diff = QTextBrowser()
        self.diff.setObjectName("rewriteDiff")
        self.diff.setAccessibleName(self.tr("Rewrite and changes"))
        self.start_button = make_button(self.tr("Rewrite"), "startRewriteButton", self.tr("Rewrite the passage in the chosen style"))
        self.accept_button = make_button(self.tr("Accept"), "acceptRewriteButton", self.tr("Replace the passage with this rewrite"))
        self.retry_button = make_button(self.tr("Retry"), "retryRewriteButton", self.tr("Another rewrite; flip between them with ◀ ▶"))
        self.discard_button = make_button(self.tr("Discard"), "discardRewriteButton", self.tr("Close without changing anything"))
        self.previous_button = make_button("◀", "rewritePreviousButton", self.tr("Previous rewrite"))
        self.next_button = make_button("▶", "rewriteNextButton", self.tr("Next rewrite"))
        self.previous_button.setAccessibleName(self.tr("Previous rewrite"))
        self.next_button.setAccessibleName(self.tr("Next rewrite"))
        self.alternative_label = QLabel("")
        self.alternative_label.setObjectName("rewriteAlternativeLabel")
        self.save_style_button = make_button(self.tr("Save as style…"), "saveStyleButton", self.tr("Keep the instruction as a style of your own"))

        style_row = QHBoxLayout()
        style_row.addWidget(QLabel(self.tr("Style")))
        style_row.addWidget(self.style_chooser, 1)
        style_row.addWidget(self.save_style_button)
        flip_row = QHBoxLayout()
        for widget in (self.previous_button, self.alternative_label, self.next_button):
            flip_row.addWidget(widget)
        flip_row.addStretch(1)
        buttons = QHBoxLayout()
        for widget in (self.start_button, self.accept_button, self.retry_button, self.discard_button):
            buttons.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(style_row)
        layout.addWidget(self.instruction)
        layout.addWidget(self.source)
        layout.addWidget(self.diff, 1)
        layout.addLayout(flip_row)
        layout.addLayout(buttons)

        self.start_button.clicked.connect(self.start)
        self.retry_button.clicked.connect(self.start)
        self.accept_button.clicked.connect(self.accept)
        self.discard_button.clicked.connect(self.discard)
        self.previous_button.clicked.connect(lambda: self.flip(-1))
        self.next_button.clicked.connect(lambda: self.flip(1))
        self.instruction.returnPressed.connect(self.start)
        self.save_style_button.clicked.connect(self.save_style)
        self.reload_styles()
        self._update_buttons()

    # -- public --------------------------------------------------------------------------

    def reload_styles(self) -> None:
        styles, problem = all_styles(self.config_dir)
        self.styles: dict[str, Style] = {style.name: style for style in styles}
        current = self._chosen_style_name()
        self.style_chooser.clear()
        for name in self.styles:  # built-in styles shown translated, kept by their own name
            self.style_chooser.addItem(translated(name), name)
        if current in self.styles:
            self.style_chooser.setCurrentIndex(self.style_chooser.findData(current))
        if problem:
            self.message.emit(translated(problem))

    def _chosen_style_name(self) -> str:
        return self.style_chooser.currentData() or ""

    def save_style(self) -> None:
        """Keeps the free instruction (with the chosen style's, if any) as a named style."""
        style = self.styles.get(self._chosen_style_name())
        extra = self.instruction.text().strip()
        instruction = f"{style.instruction} Also: {extra}" if style else extra
        if not extra:
            self.message.emit(self.tr("Write an instruction first, e.g. “shorter, keep the names”."))
            return
        name, ok = QInputDialog.getText(self, self.tr("Save as style"), self.tr("Name of the style:"))
        if not ok or not name.strip():
            return
        try:
            save_user_style(self.config_dir, name, instruction)
        except (OSError, ValueError) as error:
            self.message.emit(self.tr("The style could not be saved: {error}").format(error=translated(error)))
            return
        self.reload_styles()
        self.style_chooser.setCurrentIndex(self.style_chooser.findData(name.strip()))
        self.instruction.clear()
        self.message.emit(self.tr("Saved the style “{name}”.").format(name=name.strip()))

    def open_for(self, passage: str, before: str = "", after: str = "", accept_label: str | None = None) -> None:
        """Shows ``passage`` ready to rewrite; ``before``/``after`` are context for the model."""
        self._abandon_running()
        self.job = RewriteJob(passage, before, after) if passage.strip() else None
        self.source.setPlainText(passage)
        self.source.setReadOnly(bool(passage.strip()))
        if accept_label is None:
            accept_label = self.tr("Accept")
        self.accept_label = accept_label
        self.accept_button.setText(accept_label)
        self.diff.clear()
        self._update_buttons()
        self.style_chooser.setFocus()

    def start(self) -> None:
        """Writes a rewrite (another alternative when there already is one). One still being
        written is stopped and dropped: the new one, with the style and instruction chosen now,
        replaces it (Enter in the instruction box while the model writes)."""
        passage = self.source.toPlainText()
        if not passage.strip():
            self.message.emit(self.tr("There is nothing to rewrite: select a passage or paste one here."))
            return
        info = self.host.model_info
        if info is None:
            self.message.emit(self.tr("No model is loaded yet. Use File → Open model…"))
            return
        style = self.styles.get(self._chosen_style_name())
        instruction = self.instruction.text().strip()
        # The rewrite is about as long as the passage: both must fit the context.
        if 2 * estimate_tokens(passage) + PROMPT_OVERHEAD_TOKENS > info.n_ctx:
            self.message.emit(
                self.tr("The passage is too long to rewrite with this model's context ({tokens} tokens). "
                        "Select a shorter passage, or load the model with a larger context.").format(tokens=f"{info.n_ctx:,}")
            )
            return
        self._abandon_running()
        if self.job is None or self.job.passage != passage:
            self.job = RewriteJob(passage)
        messages = build_rewrite_messages(passage, style, instruction, self.job.before, self.job.after)
        request = GenerationRequest(
            messages=messages,
            max_tokens=rewrite_max_tokens(passage, info.n_ctx),
            sampler=self.sampler_for(),
        )
        self.job.alternatives.append("")
        self.job.shown = len(self.job.alternatives) - 1
        self.job.raw = ""
        self.job.generation = self.host.generate(request).listen(self._on_chunk, self._on_finished, self._on_failed)
        self.diff.setPlainText("")
        self._update_buttons()

    def flip(self, step: int) -> None:
        job = self.job
        if job is None or job.writing or not job.alternatives:
            return
        job.shown = max(0, min(len(job.alternatives) - 1, job.shown + step))
        self._show_diff()
        self._update_buttons()

    def accept(self) -> None:
        job = self.job
        if job is None or job.writing or not job.alternatives:
            return
        rewrite = job.alternatives[job.shown]
        self.accepted.emit(job.passage, rewrite)
        self.job = None
        self.diff.clear()
        self._update_buttons()

    def discard(self) -> None:
        self._abandon_running()
        self.job = None
        self.diff.clear()
        self.source.clear()
        self.source.setReadOnly(False)
        self._update_buttons()
        self.hide_requested()

    def cancel(self) -> None:
        """Stops the rewrite being written (Esc); what it wrote is dropped when it ends."""
        if self.job is not None and self.job.writing:
            self.job.generation.cancel()

    def _abandon_running(self) -> None:
        """Stops the rewrite being written, at once: nothing more of it reaches the panel."""
        job = self.job
        if job is None or not job.writing:
            return
        job.generation.abandon()
        job.generation = None
        job.alternatives.pop()
        job.shown = max(0, len(job.alternatives) - 1)
        job.raw = ""

    @property
    def rewriting(self) -> bool:
        return self.job is not None and self.job.writing

    def hide_requested(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            parent.hide()

    # -- engine results ------------------------------------------------------------------

    def _on_chunk(self, text: str) -> None:
        job = self.job
        job.raw += text
        self.diff.setPlainText(job.raw)

    def _on_finished(self, stats: GenerationStats) -> None:
        job = self.job
        if stats.finish_reason == "interrupted":
            # Half a rewrite is no rewrite: offer to try again instead of a truncated diff.
            self._on_failed(self.tr("{reason} Retry asks again.").format(reason=translated(stats.error)))
            return
        job.generation = None
        cleaned = clean_reply(job.raw, job.passage)
        if not cleaned.strip() or stats.finish_reason == "cancelled":
            job.alternatives.pop()
            job.shown = max(0, len(job.alternatives) - 1)
            if stats.finish_reason != "cancelled":
                self.message.emit(self.tr("The model returned nothing usable; try Retry or another style."))
        else:
            job.alternatives[job.shown] = cleaned
        self._show_diff()
        self._update_buttons()

    def _on_failed(self, message: object) -> None:
        job = self.job
        job.generation = None
        job.alternatives.pop()
        job.shown = max(0, len(job.alternatives) - 1)
        self.message.emit(translated(message))
        self._show_diff()
        self._update_buttons()

    def _show_diff(self) -> None:
        job = self.job
        if job is None or not job.alternatives:
            self.diff.clear()
            return
        changes = diff_html(word_diff(job.passage, job.alternatives[job.shown]))
        self.diff.setHtml(f'<div style="white-space:pre-wrap;">{changes}</div>')  # keep runs of spaces

    def _update_buttons(self) -> None:
        job = self.job
        busy = job is not None and job.writing
        ready = job is not None and not busy and bool(job.alternatives)
        self.start_button.setEnabled(not busy)
        self.accept_button.setEnabled(ready)
        self.retry_button.setEnabled(ready)
        count = len(job.alternatives) if job else 0
        self.previous_button.setEnabled(ready and job.shown > 0)
        self.next_button.setEnabled(ready and job.shown < count - 1)
        self.alternative_label.setText(
            self.tr("{shown}/{count}").format(shown=job.shown + 1, count=count) if ready and count > 1 else "")
