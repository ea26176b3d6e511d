"""`inkwell` without a subcommand: the window, one per data folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app import __version__
from app.cli.common import EXIT_FAILED, EXIT_OK, load_params_for, settings_for
from app.core.paths import AppPaths, find_starter_model

def run_gui(args: argparse.Namespace, paths: AppPaths) -> int:
    problem = _x11_libraries_problem()
    if problem:
        print(f"inkwell: {problem}", file=sys.stderr)
        return EXIT_FAILED
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

    from app.core.state_cache import FOLDER_NAME as STATE_FOLDER
    from app.core.store import StoreError
    from app.engine.host import EngineHost

    log = _stderr_copy()  # before any model load can point standard error elsewhere
    # Each draft's and conversation's saved model state goes to the cache folder.
    host = EngineHost(state_dir=paths.cache_dir / STATE_FOLDER)
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
    from app.ui.services import Services

    settings_for(args)
    problem = getattr(args, "_settings_problem", None)
    return MainWindow(Services.start(paths, host, load_params_for(args) if (args.n_ctx or args.threads) else None,
                                     notices=[problem] if problem else []))


def _x11_libraries_problem() -> str | None:
    """What to install when Qt's X11 plugin would abort the start for want of system
    libraries (it says only that the plugin could not be loaded); None otherwise."""
    import os
    import shutil

    from PySide6.QtCore import QLibraryInfo

    from app.core.system_libraries import read_os_release, xcb_plugin_problem

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    libraries = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath))
    return xcb_plugin_problem([plugins / "platforms" / "libqxcb.so", libraries / "libQt6XcbQpa.so.6"], os.environ,
                              ldd=shutil.which("ldd"), os_release=read_os_release())


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
