"""The rewrite panel: a passage rewritten in another style, shown as a word diff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
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

from app.core.generation import ChatMessage, GenerationRequest, GenerationStats, SamplerSettings
from app.core.rewrite import (
    Style,
    all_styles,
    build_rewrite_messages,
    clean_reply,
    diff_html,
    estimate_tokens,
    rewrite_max_tokens,
    rewrite_problems,
    save_user_style,
    word_diff,
)
from app.engine.generation import Generation
from app.engine.host import EngineHost
from app.ui.i18n import translated
from app.ui.widgets import make_button

PROMPT_OVERHEAD_TOKENS = 200  # instructions, the context around the passage, the template
STYLE_NAME_CHARACTERS = 12  # what the style chooser asks room for; longer names are elided


@dataclass
class RewriteJob:
    passage: str
    before: str = ""
    after: str = ""
    alternatives: list[str] = field(default_factory=list)
    # For each alternative, what the writer should know before accepting it (Translatable).
    problems: list[tuple[str, ...]] = field(default_factory=list)
    shown: int = 0
    generation: Generation | None = None  # the alternative being written, if any
    prompt: tuple[ChatMessage, ...] = ()  # the messages it answers
    raw: str = ""  # the streaming reply, before cleaning

    @property
    def writing(self) -> bool:
        return self.generation is not None

    def add_alternative(self) -> None:
        self.alternatives.append("")
        self.problems.append(())
        self.shown = len(self.alternatives) - 1
        self.raw = ""

    def drop_last_alternative(self) -> None:
        """The alternative being written goes: stopped, failed, or nothing usable came."""
        self.alternatives.pop()
        self.problems.pop()
        self.shown = max(0, len(self.alternatives) - 1)
        self.raw = ""


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
        # And whether the engine drafts the rewrite from the passage (app/engine/decode.py).
        self.speculative: Callable[[], bool] = lambda: True
        self.accept_label = self.tr("Accept")

        self.style_chooser = QComboBox()
        self.style_chooser.setObjectName("styleChooser")
        self.style_chooser.setAccessibleName(self.tr("Style"))
        # Sized for a short name, not the longest one: a long style of the user's own must not
        # widen the panel (and the window with it); the layout gives the chooser the room left.
        self.style_chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.style_chooser.setMinimumContentsLength(STYLE_NAME_CHARACTERS)
        self.instruction = QLineEdit()
        self.instruction.setObjectName("rewriteInstruction")
        self.instruction.setAccessibleName(self.tr("Extra instruction"))
        self.instruction.setPlaceholderText(self.tr("Optional: “make it sadder”, “shorter, keep the names”…"))
        self.source = QPlainTextEdit()
        self.source.setObjectName("rewriteSource")
        self.source.setAccessibleName(self.tr("Passage to rewrite"))
        self.source.setPlaceholderText(self.tr("Select a passage and press Ctrl+Shift+R, or paste text here."))
        self.source.setMaximumHeight(120)
        # What the writer should know about the rewrite shown (or the model), above the diff.
        self.notice = QLabel("")
        self.notice.setObjectName("rewriteNotice")
        self.notice.setAccessibleName(self.tr("Rewrite notice"))
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        self.diff = QTextBrowser()
        self.diff.setObjectName("rewriteDiff")
        self.diff.setAccessibleName(self.tr("Rewrite and changes"))
        self.start_button = make_button(self.tr("Rewrite"), "startRewriteButton", self.tr("Rewrite the passage in the chosen style"))
        self.accept_button = make_button(self.tr("Accept"), "acceptRewriteButton", self.tr("Replace the passage with this rewrite"))
        self.retry_button = make_button(self.tr("Retry"), "retryRewriteButton", self.tr("Another rewrite; flip between them with ◀ ▶"))
        self.discard_button = make_button(self.tr("Discard"), "discardRewriteButton", self.tr("Close without changing anything"))
        # Enter on the focused one presses it: after a rewrite, the default of the two.
        self.accept_button.setAutoDefault(True)
        self.retry_button.setAutoDefault(True)
        self.previous_button = make_button("◀", "rewritePreviousButton", self.tr("Previous rewrite"))
        self.next_button = make_button("▶", "rewriteNextButton", self.tr("Next rewrite"))
        self.previous_button.setAccessibleName(self.tr("Previous rewrite"))
        self.next_button.setAccessibleName(self.tr("Next rewrite"))
        self.alternative_label = QLabel("")
        self.alternative_label.setObjectName("rewriteAlternativeLabel")
        self.save_style_button = make_button(self.tr("Save as style…"), "saveStyleButton", self.tr("Keep the instruction as a style of your own"))

        # Rows of at most three buttons, so that the panel stays narrow beside the text.
        style_label = QLabel(self.tr("Style"))
        style_label.setBuddy(self.style_chooser)
        style_row = QHBoxLayout()
        style_row.addWidget(style_label)
        style_row.addWidget(self.style_chooser, 1)
        style_row.addWidget(self.start_button)
        instruction_row = QHBoxLayout()
        instruction_row.addWidget(self.instruction, 1)
        instruction_row.addWidget(self.save_style_button)
        flip_row = QHBoxLayout()
        for widget in (self.previous_button, self.alternative_label, self.next_button):
            flip_row.addWidget(widget)
        flip_row.addStretch(1)
        buttons = QHBoxLayout()
        for widget in (self.accept_button, self.retry_button, self.discard_button):
            buttons.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(style_row)
        layout.addLayout(instruction_row)
        layout.addWidget(self.source)
        layout.addWidget(self.notice)
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
        host.loaded.connect(lambda _info: self._show_notice())  # a base model, or no longer one
        host.unloaded.connect(self._show_notice)
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
        self._show_diff()
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
            speculative=self.speculative(),
        )
        self.job.add_alternative()
        self.job.prompt = messages
        if QApplication.focusWidget() in (self.start_button, self.retry_button, self.accept_button):
            self.diff.setFocus()  # not to the next field, where keys would type, while they are disabled
        self.job.generation = self.host.generate(request).listen(self._on_chunk, self._on_finished, self._on_failed)
        self.diff.setPlainText("")
        self._show_notice()
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
        self._show_diff()
        self._update_buttons()

    def discard(self) -> None:
        self._abandon_running()
        self.job = None
        self._show_diff()
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
        job.drop_last_alternative()

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
        cleaned = clean_reply(job.raw, job.passage, job.prompt)
        if not cleaned.strip() or stats.finish_reason == "cancelled":
            job.drop_last_alternative()
            if stats.finish_reason != "cancelled":
                self.message.emit(self.tr("The model returned nothing usable; try Retry or another style."))
        else:
            job.alternatives[job.shown] = cleaned
            job.problems[job.shown] = rewrite_problems(cleaned, job.passage, stats.finish_reason)
        self._show_diff()
        self._update_buttons()
        self._focus_default_button()

    def _on_failed(self, message: object) -> None:
        job = self.job
        job.generation = None
        job.drop_last_alternative()
        self.message.emit(translated(message))
        self._show_diff()
        self._update_buttons()

    def _show_diff(self) -> None:
        job = self.job
        self._show_notice()
        if job is None or not job.alternatives:
            self.diff.clear()
            return
        changes = diff_html(word_diff(job.passage, job.alternatives[job.shown]))
        self.diff.setHtml(f'<div style="white-space:pre-wrap;">{changes}</div>')  # keep runs of spaces

    def _shown_problems(self) -> tuple[str, ...]:
        job = self.job
        if job is None or job.writing or not job.alternatives:
            return ()
        return job.problems[job.shown]

    def _show_notice(self) -> None:
        """Above the diff: a model that cannot follow instructions, and what is wrong with
        the rewrite shown."""
        lines = [translated(problem) for problem in self._shown_problems()]
        info = self.host.model_info
        if info is not None and not info.has_chat_template:
            lines.insert(0, self.tr(
                "{name} is a base model: it has no chat template, so it continues text instead of "
                "following instructions, and its rewrites are rarely usable. For rewriting, load an "
                "instruct model (its name usually says “Instruct” or “Chat”)."
            ).format(name=info.name))
        self.notice.setText("\n".join(lines))
        self.notice.setVisible(bool(lines))

    def _focus_default_button(self) -> None:
        """After a rewrite, the keyboard goes to the button it most likely wants (Accept, or
        Retry when something is wrong), unless the writer is typing or has gone elsewhere."""
        focused = QApplication.focusWidget()
        if focused is not None and (isinstance(focused, (QLineEdit, QPlainTextEdit)) or not self.isAncestorOf(focused)):
            return
        for button in (self.accept_button, self.retry_button):
            if button.isDefault():
                button.setFocus()

    def _update_buttons(self) -> None:
        job = self.job
        busy = job is not None and job.writing
        ready = job is not None and not busy and bool(job.alternatives)
        self.start_button.setEnabled(not busy)
        self.accept_button.setEnabled(ready)
        self.retry_button.setEnabled(ready)
        # A rewrite with something wrong is not the one to accept with a keypress.
        doubtful = bool(self._shown_problems())
        self.accept_button.setDefault(ready and not doubtful)
        self.retry_button.setDefault(ready and doubtful)
        count = len(job.alternatives) if job else 0
        self.previous_button.setEnabled(ready and job.shown > 0)
        self.next_button.setEnabled(ready and job.shown < count - 1)
        self.alternative_label.setText(
            self.tr("{shown}/{count}").format(shown=job.shown + 1, count=count) if ready and count > 1 else "")
