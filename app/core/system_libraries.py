"""The system libraries Qt's X11 platform plugin needs, and the command that installs the missing ones.

PySide6's wheels bring Qt but not the X11 libraries its ``xcb`` plugin links to. When one
is missing (libxcb-cursor0 since Qt 6.5, libxcb-icccm4 and libxcb-keysyms1 on a minimal
Debian), Qt aborts at start-up with "Could not load the Qt platform plugin "xcb"", which
names no library. ``ldd`` on the plugin names them; this module turns its answer into one
message with the install command for this distribution (read from ``/etc/os-release``).

No Qt here: the window's start-up passes in where the plugin is.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

__all__ = [
    "PACKAGES",
    "install_command",
    "missing_libraries",
    "missing_libraries_message",
    "package_manager",
    "read_os_release",
    "xcb_platform_chosen",
    "xcb_plugin_problem",
]

# The package that ships each library the plugin and Qt's GUI library link to, per package
# manager: apt (Debian, Ubuntu), dnf (Fedora, RHEL) and pacman (Arch).
PACKAGES: Final[dict[str, dict[str, str]]] = {
    "libxcb-cursor.so.0": {"apt": "libxcb-cursor0", "dnf": "xcb-util-cursor", "pacman": "xcb-util-cursor"},
    "libxcb-icccm.so.4": {"apt": "libxcb-icccm4", "dnf": "xcb-util-wm", "pacman": "xcb-util-wm"},
    "libxcb-keysyms.so.1": {"apt": "libxcb-keysyms1", "dnf": "xcb-util-keysyms", "pacman": "xcb-util-keysyms"},
    "libxcb-image.so.0": {"apt": "libxcb-image0", "dnf": "xcb-util-image", "pacman": "xcb-util-image"},
    "libxcb-render-util.so.0": {"apt": "libxcb-render-util0", "dnf": "xcb-util-renderutil",
                                "pacman": "xcb-util-renderutil"},
    "libxcb-util.so.1": {"apt": "libxcb-util1", "dnf": "xcb-util", "pacman": "xcb-util"},
    "libxcb-randr.so.0": {"apt": "libxcb-randr0", "dnf": "libxcb", "pacman": "libxcb"},
    "libxcb-render.so.0": {"apt": "libxcb-render0", "dnf": "libxcb", "pacman": "libxcb"},
    "libxcb-shape.so.0": {"apt": "libxcb-shape0", "dnf": "libxcb", "pacman": "libxcb"},
    "libxcb-shm.so.0": {"apt": "libxcb-shm0", "dnf": "libxcb", "pacman": "libxcb"},
    "libxcb-sync.so.1": {"apt": "libxcb-sync1", "dnf": "libxcb", "pacman": "libxcb"},
    "libxcb-xfixes.so.0": {"apt": "libxcb-xfixes0", "dnf": "libxcb", "pacman": "libxcb"},
    "libxcb-xinerama.so.0": {"apt": "libxcb-xinerama0", "dnf": "libxcb", "pacman": "libxcb"},
    "libxcb-xkb.so.1": {"apt": "libxcb-xkb1", "dnf": "libxcb", "pacman": "libxcb"},
    "libxcb.so.1": {"apt": "libxcb1", "dnf": "libxcb", "pacman": "libxcb"},
    "libX11-xcb.so.1": {"apt": "libx11-xcb1", "dnf": "libX11-xcb", "pacman": "libx11"},
    "libX11.so.6": {"apt": "libx11-6", "dnf": "libX11", "pacman": "libx11"},
    "libxkbcommon-x11.so.0": {"apt": "libxkbcommon-x11-0", "dnf": "libxkbcommon-x11", "pacman": "libxkbcommon-x11"},
    "libxkbcommon.so.0": {"apt": "libxkbcommon0", "dnf": "libxkbcommon", "pacman": "libxkbcommon"},
    "libEGL.so.1": {"apt": "libegl1", "dnf": "libglvnd-egl", "pacman": "libglvnd"},
    "libGL.so.1": {"apt": "libgl1", "dnf": "libglvnd-glx", "pacman": "libglvnd"},
    "libGLX.so.0": {"apt": "libglx0", "dnf": "libglvnd-glx", "pacman": "libglvnd"},
    "libOpenGL.so.0": {"apt": "libopengl0", "dnf": "libglvnd-opengl", "pacman": "libglvnd"},
    "libfontconfig.so.1": {"apt": "libfontconfig1", "dnf": "fontconfig", "pacman": "fontconfig"},
    "libfreetype.so.6": {"apt": "libfreetype6", "dnf": "freetype", "pacman": "freetype2"},
    "libdbus-1.so.3": {"apt": "libdbus-1-3", "dnf": "dbus-libs", "pacman": "dbus"},
    "libglib-2.0.so.0": {"apt": "libglib2.0-0", "dnf": "glib2", "pacman": "glib2"},
    "libgthread-2.0.so.0": {"apt": "libglib2.0-0", "dnf": "glib2", "pacman": "glib2"},
}

_INSTALL: Final = {"apt": "sudo apt install", "dnf": "sudo dnf install", "pacman": "sudo pacman -S --needed"}

# os-release IDs (ID, then each of ID_LIKE) and the package manager of that family.
_FAMILIES: Final = {
    "debian": "apt", "ubuntu": "apt",
    "fedora": "dnf", "rhel": "dnf", "centos": "dnf",
    "arch": "pacman",
}

# "\tlibxcb-icccm.so.4 => not found"
_NOT_FOUND_RE: Final = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as not found, in its order, each once."""
    return list(dict.fromkeys(_NOT_FOUND_RE.findall(ldd_output)))


def _os_release_fields(text: str) -> dict[str, str]:
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            fields[key] = value.strip().strip("\"'")
    return fields


def package_manager(os_release: str) -> str | None:
    """"apt", "dnf" or "pacman" for the distribution that ``os_release`` (the text of
    /etc/os-release) describes, by its ID and then the IDs it is like; None for others."""
    fields = _os_release_fields(os_release)
    for distribution in [fields.get("ID", ""), *fields.get("ID_LIKE", "").split()]:
        manager = _FAMILIES.get(distribution.lower())
        if manager is not None:
            return manager
    return None


def install_command(manager: str, libraries: Iterable[str]) -> str | None:
    """The command that installs the packages of ``libraries`` with ``manager``; None when
    none of them is known."""
    packages = dict.fromkeys(PACKAGES[name][manager] for name in libraries if name in PACKAGES)
    return f"{_INSTALL[manager]} {' '.join(packages)}" if packages else None


def missing_libraries_message(libraries: Sequence[str], os_release: str) -> str:
    """What to tell a person whose system lacks ``libraries``: which, and how to install them."""
    listed = ", ".join(libraries)
    message = (f"Qt cannot open a window on X11: this system lacks {listed}, which Qt's X11 "
               "platform plugin needs.")
    manager = package_manager(os_release)
    command = install_command(manager, libraries) if manager else None
    if command is None:
        return (f"{message} Install the packages that provide them (README.md, \"System packages\", "
                "lists them for Debian, Ubuntu, Fedora and Arch), then start Inkwell again.")
    unknown = [name for name in libraries if name not in PACKAGES]
    also = f"Also install the packages that provide {', '.join(unknown)}. " if unknown else ""
    return f"{message} Install them with:\n\n    {command}\n\n{also}Then start Inkwell again."


def xcb_platform_chosen(env: Mapping[str, str]) -> bool:
    """Whether Qt will use its X11 plugin: QT_QPA_PLATFORM names xcb first, or names
    nothing and the session is not Wayland's (where Qt tries its Wayland plugin first)."""
    override = env.get("QT_QPA_PLATFORM", "").strip()
    if override:
        return override.split(";")[0].split(":")[0].strip() == "xcb"
    return not env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE", "") != "wayland"


def read_os_release() -> str:
    """The text of the os-release file ("" where there is none)."""
    for path in (Path("/etc/os-release"), Path("/usr/lib/os-release")):
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return ""


def xcb_plugin_problem(plugin_files: Sequence[Path], env: Mapping[str, str], *,
                       ldd: str | None, os_release: str) -> str | None:
    """The message to show instead of letting Qt abort, when it would use its X11 plugin and
    ``ldd`` finds libraries missing for one of ``plugin_files`` (the plugin first, then the
    Qt libraries it links); None otherwise, and whenever this cannot be told (no ``ldd``,
    no plugin file, ``ldd`` failing): then Qt goes ahead as it would have."""
    if ldd is None or not plugin_files or not plugin_files[0].is_file() or not xcb_platform_chosen(env):
        return None
    output = []
    for path in plugin_files:
        if not path.is_file():
            continue
        try:
            done = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        output.append(done.stdout)
    missing = missing_libraries("\n".join(output))
    return missing_libraries_message(missing, os_release) if missing else None
