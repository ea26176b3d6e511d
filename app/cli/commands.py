"""`inkwell chat`, `continue` and `rewrite`: one request, streamed to standard output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from app.core.alternatives import DEFAULT_ALTERNATIVES, token_record
from app.core.lorebook import Lorebook, LorebookError
from app.core.lorebook_formats import load_lorebook
from app.core.paths import AppPaths
from app.core.generation import (
    ChatMessage,
    GenerationRequest,
    ModelInfo,
    SamplerSettings,
)
from app.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    NO_MODEL_MESSAGE,
    load_params_for,
    remote_engine_for,
    resolve_model,
    settings_for,
)
from app.core.writing import ContinuationContext, ContinuationInput, prepare_continuation
from app.engine.headless import EngineFailure, HeadlessEngine


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
    from app.core.samplers import all_presets, find_preset
    from app.core.settings import option

    presets, _ = all_presets(AppPaths.resolve(args.data_dir).config_dir)
    chosen = str(settings_for(args).get(setting))
    preset = find_preset(presets, chosen) or find_preset(presets, str(option(setting).default))
    sampler = replace(preset.to_sampler(), seed=args.seed)
    if args.temperature is not None:
        sampler = replace(sampler, temperature=args.temperature)
    return sampler


def _speculative(args: argparse.Namespace) -> bool:
    """``--speculative on|off``, else the setting."""
    if args.speculative is not None:
        return args.speculative == "on"
    return bool(settings_for(args).get("engine.speculative"))


def _stdout_write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


MAX_CLI_ALTERNATIVES = 100


def _alternatives_wanted(args: argparse.Namespace) -> int:
    """How many candidates per token ``--format jsonl`` asks for; 0 for text. Raises ValueError."""
    count = getattr(args, "alternatives", None)
    if getattr(args, "format", "text") != "jsonl":
        if count is not None:
            raise ValueError("--alternatives needs --format jsonl.")
        return 0
    count = DEFAULT_ALTERNATIVES if count is None else count
    if not 1 <= count <= MAX_CLI_ALTERNATIVES:
        raise ValueError(f"--alternatives takes 1 to {MAX_CLI_ALTERNATIVES}.")
    return count


def _print_tokens(choices: list) -> None:
    """--format jsonl: one JSON object per token, in place of the text (which they join to)."""
    sys.stdout.write("".join(json.dumps(token_record(choice), ensure_ascii=False) + "\n" for choice in choices))
    sys.stdout.flush()


def _discard(_text: str) -> None:
    pass


def _stream(
    args: argparse.Namespace,
    make_request: Callable[[ModelInfo], GenerationRequest],
    write: Callable[[str], None] = _stdout_write,
    prepare: Callable[[HeadlessEngine, ModelInfo], None] | None = None,
) -> int:
    """Loads the model, streams one reply to ``write`` (stdout) and its statistics to stderr.
    With ``--format jsonl`` the reply's tokens go to stdout instead, one JSON object each."""
    try:
        alternatives = _alternatives_wanted(args)
    except ValueError as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE
    if alternatives:
        make_text_request = make_request

        def make_request(info: ModelInfo) -> GenerationRequest:
            return replace(make_text_request(info), alternatives=alternatives)

        write = _discard

    remote = None
    if getattr(args, "engine", None):
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
            if prepare is not None:  # work on the engine thread that the request needs first
                prepare(engine, info)
            stats = engine.generate(make_request(info), write, _print_tokens if alternatives else None)
        except EngineFailure as error:
            print(f"\ninkwell: {error}", file=sys.stderr)
            return EXIT_FAILED
        if write is _stdout_write:
            sys.stdout.write("\n")
        print(f"[{info.name}] {stats.summary()}", file=sys.stderr)
        if stats.finish_reason == "interrupted":
            print(f"inkwell: {stats.error}", file=sys.stderr)
            return EXIT_FAILED
        if alternatives and stats.alternatives_note:
            print(f"inkwell: {stats.alternatives_note}", file=sys.stderr)
            return EXIT_FAILED
        return EXIT_INTERRUPTED if interrupted else EXIT_OK
    finally:
        engine.close()


def run_chat(args: argparse.Namespace, paths: AppPaths) -> int:

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


def run_continue(args: argparse.Namespace, paths: AppPaths) -> int:

    try:
        draft = _read_text(args.file, "draft", "continue")
        memory = _read_text(args.memory, "memory") if args.memory else ""
    except ValueError as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE
    lorebook = None
    if args.lorebook:
        try:
            lorebook = _read_lorebook(args.lorebook)
        except LorebookError as error:
            print(f"inkwell: {error}", file=sys.stderr)
            return EXIT_USAGE
    given = ContinuationInput(draft, memory, args.note or "", lorebook, args.style, args.max_tokens)
    prepared: list[ContinuationContext] = []

    def prepare(engine: HeadlessEngine, info: ModelInfo) -> None:
        # The prompt is laid out as on the writing desk, with the model's own tokenizer.
        context = engine.run(lambda backend: prepare_continuation(given, backend, info))
        if lorebook is not None:
            _report_lore(context)
        prepared.append(context)

    return _stream(args, lambda _info: GenerationRequest(
        continuation=prepared[0].source(), max_tokens=args.max_tokens, sampler=_sampler(args, "sampler.writing"),
        speculative=_speculative(args)),
        prepare=prepare)


def _read_lorebook(file: str) -> Lorebook:
    """A story bible in any format the writing desk imports; what the import left out is
    said on standard error. Raises LorebookError."""
    lorebook, notes = load_lorebook(Path(file).expanduser())
    for note in notes:
        print(f"inkwell: {file}: {note}", file=sys.stderr)
    return lorebook


def _report_lore(context: ContinuationContext) -> None:
    """Which entries the draft called up, on standard error: those sent and those left out."""
    lore = context.lore
    print(f"inkwell: story bible: {len(lore.kept)} of {len(lore.activations)} entries called up are in the prompt "
          f"(budget {context.lore_budget_tokens} tokens).", file=sys.stderr)
    for activation in lore.kept:
        print(f"  + {activation.entry.title}: {activation.reason}", file=sys.stderr)
    for left in lore.left_out:
        print(f"  - {left.activation.entry.title}: {left.reason}", file=sys.stderr)
    for part in context.dropped:
        print(f"  - {part.label}: left out, the context is full", file=sys.stderr)


def run_rewrite(args: argparse.Namespace, paths: AppPaths) -> int:
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
        return GenerationRequest(messages=messages, max_tokens=max_tokens, sampler=_sampler(args, "sampler.rewrite"),
                                 speculative=_speculative(args))

    # The reply is cleaned (preambles, quotes) before it is printed, so it is collected first.
    code = _stream(args, make_request, write=reply.append)
    if reply:
        print(clean_reply("".join(reply), passage, messages).strip())
    return code
