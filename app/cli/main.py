"""Command line: `inkwell` opens the app; `inkwell chat`, `continue`, `rewrite`, `models`,
`info` and `bench` run without a window. Each subcommand names its function with
``set_defaults(func=...)``; the modules it uses import only ``app.cli.common`` from here."""

from __future__ import annotations

import argparse
import importlib
import sys

from app import __version__
from app.cli.common import EXIT_OK, EXIT_USAGE, common_options, remote_options
from app.cli.models import add_parser as add_models_parser
from app.core import crash
from app.core.paths import AppPaths
from app.core.writing import DEFAULT_MODE, MODES

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inkwell",
        description="Inkwell: a private chat and writing assistant running models on this computer.",
    )
    parser.add_argument("--version", action="version", version=f"inkwell {__version__}")
    common_options(parser, suppress=False)
    # The window; a subcommand sets its own. ``crash_surface``: the command runs llama.cpp,
    # whose crashes leave a report; ``explain``: it says an earlier session's crash on stderr.
    parser.set_defaults(func=_lazy("app.cli.gui:run_gui"), crash_surface="window", explain=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser("chat", help="send one message and stream the reply to stdout")
    chat.set_defaults(func=_lazy("app.cli.commands:run_chat"), crash_surface="cli", explain=True)
    common_options(chat, suppress=True)
    chat.add_argument("message", help="the message; '-' reads it from standard input")
    chat.add_argument("--system", metavar="TEXT", default="", help="system prompt")
    chat.add_argument("--max-tokens", type=int, default=512, metavar="N")
    chat.add_argument("--seed", type=int, default=None, metavar="N", help="fixed seed for a repeatable reply")
    chat.add_argument("--temperature", type=float, default=None, metavar="T")
    _token_options(chat)
    remote_options(chat)

    cont = commands.add_parser("continue", help="continue a draft and print the continuation to stdout")
    cont.set_defaults(func=_lazy("app.cli.commands:run_continue"), crash_surface="cli", explain=True)
    common_options(cont, suppress=True)
    cont.add_argument("file", metavar="FILE", help="the draft (UTF-8 text); '-' reads standard input")
    cont.add_argument("--memory", metavar="FILE", help="memory: characters, setting, style (placed before the draft)")
    cont.add_argument("--note", metavar="TEXT", help="author's note, placed a few paragraphs before the end")
    cont.add_argument("--lorebook", metavar="FILE",
                      help="a story bible (SillyTavern World Info, a Kobold Lite story or world info, a NovelAI "
                           ".lorebook): the entries the draft's end mentions go into the prompt, as on the writing desk")
    cont.add_argument("--style", choices=MODES, default=DEFAULT_MODE,
                      help="'plain' continues the text as is; 'instruct' asks an instruct model to continue the "
                           f"story (default: {DEFAULT_MODE}, as on the writing desk)")
    cont.add_argument("--instruct", action="store_const", dest="style", const="instruct",
                      help="the same as --style instruct")
    cont.add_argument("--max-tokens", type=int, default=120, metavar="N")
    cont.add_argument("--seed", type=int, default=None, metavar="N")
    cont.add_argument("--temperature", type=float, default=None, metavar="T")
    _speculative_option(cont)
    _token_options(cont)
    remote_options(cont)

    rewrite = commands.add_parser("rewrite", help="rewrite a passage in another style and print it")
    rewrite.set_defaults(func=_lazy("app.cli.commands:run_rewrite"), crash_surface="cli", explain=True)
    common_options(rewrite, suppress=True)
    rewrite.add_argument("file", metavar="FILE", nargs="?", help="the passage (UTF-8 text); '-' reads standard input")
    rewrite.add_argument("--style", metavar="NAME", help="a style preset (see --list-styles)")
    rewrite.add_argument("--instruction", metavar="TEXT", help="a free instruction, alone or with --style")
    rewrite.add_argument("--list-styles", action="store_true", help="list the style presets and exit")
    rewrite.add_argument("--max-tokens", type=int, default=None, metavar="N")
    rewrite.add_argument("--seed", type=int, default=None, metavar="N")
    rewrite.add_argument("--temperature", type=float, default=None, metavar="T")
    _speculative_option(rewrite)
    remote_options(rewrite)

    add_models_parser(commands)

    info = commands.add_parser("info", help="show the llama.cpp build in use, its CPU features and the data folder")
    info.set_defaults(func=run_info, crash_surface=None)
    common_options(info, suppress=True)

    bench = commands.add_parser("bench", help="measure the engine against plain llama-cpp-python")
    bench.set_defaults(func=_lazy("app.cli.bench:run_bench"), crash_surface="cli", explain=False)
    common_options(bench, suppress=True)
    bench.add_argument("--json", action="store_true", help="print the results as JSON")
    bench.add_argument("--lengths", default="128,1024", metavar="N,N",
                       help="generated tokens per run (default: 128,1024)")
    bench.add_argument("--repeats", type=int, default=3, metavar="N",
                       help="runs per method and length; the median is reported (default: 3)")
    bench.add_argument("--turns", type=int, default=10, metavar="N",
                       help="turns of the conversation benchmark; 0 skips it (default: 10)")
    bench.add_argument("--draft-words", type=int, default=20_000, metavar="N",
                       help="words of the draft-continuation benchmark; 0 skips it (default: 20000)")
    bench.add_argument("--only", choices=("resume", "speculative"), default=None,
                       help="run only these measurements: resume (saved model state and the sliding window) or "
                            "speculative (rewrites and a continuation, with and without drafting)")
    bench.add_argument("--skip", choices=("resume", "speculative"), action="append", default=[],
                       help="leave these measurements out: resume (they load the model three more times), "
                            "speculative (three rewrites and a continuation, each way, --repeats times)")
    bench.add_argument("--llama-server", metavar="PATH", default=None,
                       help="also stream from llama.cpp's own llama-server (`make llama-server` builds it) and "
                            "report native_ratio, Inkwell's speed ÷ the server's; without it, native_ratio is the "
                            "ratio to a bare Llama.generate() loop")
    remote_options(bench)  # --engine: also compare a remote engine with the local one
    return parser


def _speculative_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--speculative", choices=("on", "off"), default=None,
                        help="draft the next tokens from the passage and check several at once: sooner where the reply "
                             "copies its prompt, each token still the model's choice (default: the setting "
                             "engine.speculative, on)")


def _token_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "jsonl"), default="text",
                        help="text: the reply as it streams (default); jsonl: one JSON object per generated token, "
                             "with its probability and the likeliest candidates at that step")
    parser.add_argument("--alternatives", type=int, default=None, metavar="N",
                        help="with --format jsonl: how many candidates each token lists (default: 8)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = AppPaths.resolve(args.data_dir)
    try:
        paths.ensure()
    except OSError as error:
        print(f"inkwell: cannot create the data folder {paths.data_dir}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    if args.explain:
        _explain_crashes(paths)
    if args.crash_surface:
        # llama.cpp can end the process with a signal Python cannot catch: leave a report.
        crash.arm(paths.data_dir, args.crash_surface)
    return args.func(args, paths)


def _lazy(target: str):
    """The function ``module:name``, imported when the command runs: the window and llama.cpp
    take a moment to import, and `inkwell --version` or `--help` should not wait for them."""

    def run(args: argparse.Namespace, paths: AppPaths) -> int:
        module, name = target.split(":")
        return getattr(importlib.import_module(module), name)(args, paths)

    return run


def run_info(args: argparse.Namespace, paths: AppPaths) -> int:
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




if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
