"""Running the engine thread without a window: the `chat` command and the benchmark."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from app.core.paths import AppPaths
from app.core.generation import (
    ChatMessage,
    ContinuationSource,
    GenerationRequest,
    GenerationStats,
    LoadParams,
    ModelInfo,
    SamplerSettings,
)
from app.engine.generation import Generation
from app.engine.host import EngineHost


class EngineFailure(Exception):
    pass


class HeadlessEngine:
    """The GUI's engine host and thread, driven by blocking calls that spin an event loop."""

    def __init__(self) -> None:
        self.app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
        self.host = EngineHost()
        self.generation: Generation | None = None  # the request being generated

    def _wait(self, start: Callable[[Callable[[bool, object], None]], None]):
        """Calls ``start(done)`` and spins an event loop until ``done(ok, value)``: returns the
        value, or raises EngineFailure with it."""
        loop = QEventLoop()
        outcome: list[tuple[bool, object]] = []

        def done(ok: bool, value: object) -> None:
            outcome.append((ok, value))
            loop.quit()

        start(done)
        if not outcome:
            loop.exec()
        ok, value = outcome[0]
        if not ok:
            raise EngineFailure(value)
        return value

    def load(self, path: str, params: LoadParams) -> ModelInfo:
        return self._load(lambda: self.host.load_model(path, params))

    def connect(self, engine, api_key: str = "") -> ModelInfo:
        """Uses a remote engine (an OpenAI-compatible server) instead of a local model."""
        return self._load(lambda: self.host.connect_remote(engine, api_key))

    def _load(self, load: Callable[[], None]) -> ModelInfo:
        host = self.host

        def start(done):
            host.loaded.connect(lambda info: done(True, info))
            host.load_failed.connect(lambda message: done(False, message))
            load()

        try:
            return self._wait(start)
        finally:
            host.loaded.disconnect()
            host.load_failed.disconnect()

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> GenerationStats:
        """Streams ``request``'s text to ``on_text`` and returns its statistics; ``cancel()``
        (from ``on_text``, or Ctrl+C) stops it."""

        def start(done):
            self.generation = self.host.generate(request).listen(
                on_text, lambda stats: done(True, stats), lambda message: done(False, message))

        try:
            return self._wait(start)
        finally:
            self.generation = None

    def cancel(self) -> None:
        """Stops the request being generated, if any."""
        if self.generation is not None:
            self.generation.cancel()

    def run(self, job: Callable):
        """Runs ``job(backend)`` on the engine thread and returns its result."""

        def start(done):
            self.host.run_on_engine(job).listen(lambda result: done(True, result), lambda message: done(False, message))

        return self._wait(start)

    def stop_on_interrupt(self) -> list[bool]:
        """Ctrl+C cancels the running request instead of killing the process mid-write.
        Returns a list that becomes non-empty once Ctrl+C was pressed."""
        interrupted: list[bool] = []

        def on_sigint(_signum, _frame) -> None:
            interrupted.append(True)
            self.host.cancel_all()

        signal.signal(signal.SIGINT, on_sigint)
        # Python runs signal handlers only between bytecodes: wake it while Qt waits.
        self._signal_timer = QTimer()
        self._signal_timer.timeout.connect(lambda: None)
        self._signal_timer.start(100)
        return interrupted

    def close(self) -> None:
        self.host.shutdown()


def _read_text(source: str, what: str, needed_for: str = "") -> str:
    """A file's text, or standard input for '-'. Raises ValueError with a clear message, also
    for an empty text when it is ``needed_for`` something ("continue", "rewrite")."""
    text = sys.stdin.read() if source == "-" else _read_file(source, what)
    if needed_for and not text.strip():
        raise ValueError(f"the {what} is empty; there is nothing to {needed_for}.")
    return text


def _read_file(source: str, what: str) -> str:
    try:
        return Path(source).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"the {what} file {source} was not found.") from None
    except UnicodeDecodeError:
        raise ValueError(f"the {what} file {source} is not UTF-8 text.") from None
    except OSError as error:
        raise ValueError(f"the {what} file {source} could not be read: {error.strerror}.") from None


def _sampler(args: argparse.Namespace, setting: str) -> SamplerSettings:
    """The sampler of the preset the settings choose (``setting``: "sampler.chat", …), with
    the command line's seed and temperature on top."""
    from app.cli import settings_for
    from app.core.samplers import all_presets, find_preset
    from app.core.settings import option

    presets, _ = all_presets(AppPaths.resolve(args.data_dir).config_dir)
    chosen = str(settings_for(args).get(setting))
    preset = find_preset(presets, chosen) or find_preset(presets, str(option(setting).default))
    sampler = replace(preset.to_sampler(), seed=args.seed)
    if args.temperature is not None:
        sampler = replace(sampler, temperature=args.temperature)
    return sampler


def _stdout_write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _stream(
    args: argparse.Namespace,
    make_request: Callable[[ModelInfo], GenerationRequest],
    write: Callable[[str], None] = _stdout_write,
) -> int:
    """Loads the model, streams one reply to ``write`` (stdout) and its statistics to stderr."""
    from app.cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, NO_MODEL_MESSAGE, load_params_for, resolve_model

    remote = None
    if getattr(args, "engine", None):
        from app.cli import remote_engine_for

        try:
            remote = remote_engine_for(args)
        except ValueError as error:
            print(f"inkwell: {error}", file=sys.stderr)
            return EXIT_USAGE
    else:
        model = resolve_model(args.model)
        if model is None:
            print(f"inkwell: {NO_MODEL_MESSAGE}", file=sys.stderr)
            return EXIT_USAGE
    engine = HeadlessEngine()
    interrupted = engine.stop_on_interrupt()
    try:
        try:
            info = engine.connect(*remote) if remote else engine.load(str(model), load_params_for(args))
        except EngineFailure as error:
            print(f"inkwell: {error}", file=sys.stderr)
            return EXIT_USAGE
        if interrupted:
            return EXIT_INTERRUPTED
        try:
            stats = engine.generate(make_request(info), write)
        except EngineFailure as error:
            print(f"\ninkwell: {error}", file=sys.stderr)
            return EXIT_FAILED
        if write is _stdout_write:
            sys.stdout.write("\n")
        print(f"[{info.name}] {stats.summary()}", file=sys.stderr)
        if stats.finish_reason == "interrupted":
            print(f"inkwell: {stats.error}", file=sys.stderr)
            return EXIT_FAILED
        return EXIT_INTERRUPTED if interrupted else EXIT_OK
    finally:
        engine.close()


def run_chat(args: argparse.Namespace) -> int:
    from app.cli import EXIT_USAGE

    message = sys.stdin.read() if args.message == "-" else args.message
    if not message.strip():
        print("inkwell: the message is empty.", file=sys.stderr)
        return EXIT_USAGE
    messages = [ChatMessage("user", message)]
    if args.system:
        messages.insert(0, ChatMessage("system", args.system))

    def make_request(info: ModelInfo) -> GenerationRequest:
        if not info.has_chat_template:
            print(f"inkwell: {info.name} has no chat template; using a plain format.", file=sys.stderr)
        if info.template_note:
            print(f"inkwell: {info.template_note}", file=sys.stderr)
        return GenerationRequest(messages=tuple(messages), max_tokens=args.max_tokens, sampler=_sampler(args, "sampler.chat"))

    return _stream(args, make_request)


def run_continue(args: argparse.Namespace) -> int:
    from app.cli import EXIT_USAGE

    try:
        draft = _read_text(args.file, "draft", "continue")
        memory = _read_text(args.memory, "memory") if args.memory else ""
    except ValueError as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE
    source = ContinuationSource(draft, memory, args.note or "", "instruct" if args.instruct else "plain")
    return _stream(args, lambda _info: GenerationRequest(
        continuation=source, max_tokens=args.max_tokens, sampler=_sampler(args, "sampler.writing")))


def run_rewrite(args: argparse.Namespace, paths) -> int:
    from app.cli import EXIT_OK, EXIT_USAGE
    from app.core.rewrite import all_styles, build_rewrite_messages, clean_reply, find_style, rewrite_max_tokens

    styles, problem = all_styles(paths.config_dir)
    if problem:
        print(f"inkwell: {problem}", file=sys.stderr)
    if args.list_styles:
        for style in styles:
            print(f"{style.name}: {style.instruction}")
        return EXIT_OK
    style = find_style(styles, args.style) if args.style else None
    if args.style and style is None:
        names = ", ".join(s.name for s in styles)
        print(f"inkwell: there is no style called '{args.style}'. Styles: {names}.", file=sys.stderr)
        return EXIT_USAGE
    if style is None and not args.instruction:
        print("inkwell: say how to rewrite: --style NAME and/or --instruction TEXT.", file=sys.stderr)
        return EXIT_USAGE
    if not args.file:
        print("inkwell: give the passage as FILE, or '-' to read standard input.", file=sys.stderr)
        return EXIT_USAGE
    try:
        passage = _read_text(args.file, "passage", "rewrite")
    except ValueError as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE
    messages = build_rewrite_messages(passage, style, args.instruction or "")
    max_tokens = args.max_tokens or rewrite_max_tokens(passage)
    reply: list[str] = []

    def make_request(_info: ModelInfo) -> GenerationRequest:
        return GenerationRequest(messages=messages, max_tokens=max_tokens, sampler=_sampler(args, "sampler.rewrite"))

    # The reply is cleaned (preambles, quotes) before it is printed, so it is collected first.
    code = _stream(args, make_request, write=reply.append)
    if reply:
        print(clean_reply("".join(reply), passage).strip())
    return code
