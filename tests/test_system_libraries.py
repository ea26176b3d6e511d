"""Missing X11 libraries found before Qt aborts, with the command that installs them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from app.cli.common import EXIT_FAILED
from app.core.system_libraries import (
    install_command,
    missing_libraries,
    missing_libraries_message,
    package_manager,
    xcb_platform_chosen,
    xcb_plugin_problem,
)

# `ldd libqxcb.so` on a Debian 12 without libxcb-icccm4 and libxcb-keysyms1 (shortened).
LDD_MISSING = """\
\tlinux-vdso.so.1 (0x00007ff2923d1000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007ff292303000)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007ff292273000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007ff292219000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007ff292211000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-randr.so.0 => /lib/x86_64-linux-gnu/libxcb-randr.so.0 (0x00007ff2921f8000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007ff29041e000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007ff2923d3000)
"""
LDD_COMPLETE = """\
\tlinux-vdso.so.1 (0x00007ffd5d3f4000)
\tlibxcb-icccm.so.4 => /lib/x86_64-linux-gnu/libxcb-icccm.so.4 (0x00007f1c2a1e0000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c29e00000)
"""

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n'
MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n'
ROCKY = 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n'
ARCH = 'NAME="Arch Linux"\nID=arch\n'
MANJARO = 'NAME="Manjaro Linux"\nID=manjaro\nID_LIKE=arch\n'
OPENSUSE = 'NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n'


def test_missing_libraries_are_read_from_ldd_once_each():
    assert missing_libraries(LDD_MISSING) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert missing_libraries(LDD_COMPLETE) == []
    assert missing_libraries("\tnot a dynamic executable\n") == []


@pytest.mark.parametrize(("os_release", "manager"), [
    (DEBIAN, "apt"), (UBUNTU, "apt"), (MINT, "apt"), (FEDORA, "dnf"), (ROCKY, "dnf"), (ARCH, "pacman"),
    (MANJARO, "pacman"), (OPENSUSE, None), ("", None),
])
def test_the_package_manager_comes_from_the_distribution_or_the_one_it_is_like(os_release, manager):
    assert package_manager(os_release) == manager


def test_the_install_command_names_each_package_once():
    libraries = ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libEGL.so.1", "libGL.so.1"]
    assert install_command("apt", libraries) == "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libegl1 libgl1"
    assert install_command("dnf", libraries) == (
        "sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms libglvnd-egl libglvnd-glx")
    assert install_command("pacman", libraries) == (
        "sudo pacman -S --needed xcb-util-cursor xcb-util-wm xcb-util-keysyms libglvnd")
    assert install_command("apt", ["libunheard-of.so.3"]) is None


def test_the_message_says_what_is_missing_and_the_command_for_this_system():
    message = missing_libraries_message(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"], UBUNTU)
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert "\n    sudo apt install libxcb-icccm4 libxcb-keysyms1\n" in message
    partly_known = missing_libraries_message(["libxcb-cursor.so.0", "libunheard-of.so.3"], FEDORA)
    assert "sudo dnf install xcb-util-cursor\n" in partly_known
    assert "Also install the packages that provide libunheard-of.so.3." in partly_known
    elsewhere = missing_libraries_message(["libxcb-cursor.so.0"], OPENSUSE)
    assert "sudo" not in elsewhere and '"System packages"' in elsewhere


@pytest.mark.parametrize(("env", "chosen"), [
    ({}, True),
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "xcb:nograb"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, False),
    ({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, True),
])
def test_xcb_is_chosen_as_qt_chooses_it(env, chosen):
    assert xcb_platform_chosen(env) is chosen


def fake_ldd(folder: Path, output: str) -> str:
    """An `ldd` that prints ``output`` whatever it is asked."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ldd.out").write_text(output)
    program = folder / "ldd"
    program.write_text(f"#!/bin/sh\ncat '{folder / 'ldd.out'}'\n")
    program.chmod(0o755)
    return str(program)


needs_posix = pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for ldd")


@needs_posix
def test_the_plugin_is_checked_with_ldd(tmp_path):
    plugin = tmp_path / "plugins" / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"\x7fELF")
    ldd = fake_ldd(tmp_path / "bin", LDD_MISSING)
    files = [plugin, tmp_path / "lib" / "libQt6XcbQpa.so.6"]  # the second is not there: skipped
    x11 = {"DISPLAY": ":0"}

    problem = xcb_plugin_problem(files, x11, ldd=ldd, os_release=DEBIAN)
    assert problem is not None and "sudo apt install libxcb-icccm4 libxcb-keysyms1" in problem
    # Whenever it cannot be told, or Qt will not use the plugin, Qt goes ahead.
    assert xcb_plugin_problem(files, {"QT_QPA_PLATFORM": "offscreen"}, ldd=ldd, os_release=DEBIAN) is None
    assert xcb_plugin_problem(files, x11, ldd=None, os_release=DEBIAN) is None
    assert xcb_plugin_problem(files[::-1], x11, ldd=ldd, os_release=DEBIAN) is None  # no plugin file
    assert xcb_plugin_problem(files, x11, ldd=str(tmp_path / "no-ldd"), os_release=DEBIAN) is None
    complete = fake_ldd(tmp_path / "bin2", LDD_COMPLETE)
    assert xcb_plugin_problem(files, x11, ldd=complete, os_release=DEBIAN) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's X11 plugin is Linux's")
def test_the_window_does_not_start_without_the_libraries(tmp_path, monkeypatch, capsys):
    """`inkwell` (and `make run`) says what to install and exits, instead of Qt aborting."""
    from app.cli import gui
    from app.cli.main import build_parser
    from app.core.paths import AppPaths

    monkeypatch.setenv("PATH", str(Path(fake_ldd(tmp_path / "bin", LDD_MISSING)).parent) + os.pathsep
                       + os.environ.get("PATH", ""))
    monkeypatch.setenv("DISPLAY", ":0")
    for name in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    args = build_parser().parse_args(["--data-dir", str(tmp_path)])

    assert gui.run_gui(args, AppPaths.resolve(str(tmp_path))) == EXIT_FAILED
    assert "inkwell: Qt cannot open a window on X11" in capsys.readouterr().err

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert gui._x11_libraries_problem() is None
