"""Which llama.cpp build this is, and loading the CPU backend of a runtime-dispatch build.

Imports only llama_cpp and the standard library: packaging/llama_smoke.py uses it before the
rest of Inkwell is installed.

A build made with ``GGML_BACKEND_DL`` and ``GGML_CPU_ALL_VARIANTS`` (the bundles') has one CPU
backend per instruction-set level beside libllama, and none is loaded until asked.
llama-cpp-python never asks, so Inkwell picks the best variant this CPU supports, the way
llama.cpp's own loader scores them, except the AMX variant, which crashes on some Xeons
(llama.cpp #20824) and has not been verified.
"""

from __future__ import annotations

import ctypes
import json
import sys
from pathlib import Path

import llama_cpp

# Variants left out whatever their score: they use Intel AMX.
UNVERIFIED_VARIANTS = ("sapphirerapids",)
STAMP_NAME = ".inkwell-llama"  # written by packaging/install_llama.py in the environment

_loaded_variant: str | None = None
_variants_tried = False


def library_dir() -> Path:
    return Path(llama_cpp.__file__).resolve().parent / "lib"


def _library_name(stem: str) -> str:
    if sys.platform == "win32":
        return f"{stem}.dll"
    return f"lib{stem}.dylib" if sys.platform == "darwin" else f"lib{stem}.so"


def cpu_variants(folder: Path | None = None) -> dict[str, Path]:
    """The CPU backend variants of a dispatch build, by name (empty for a plain build)."""
    folder = folder or library_dir()
    prefix, suffix = _library_name("ggml-cpu-").split("ggml-cpu-")
    found = {}
    for path in folder.glob(f"{prefix}ggml-cpu-*{suffix}"):
        found[path.name[len(prefix) + len("ggml-cpu-"):-len(suffix)]] = path
    return found


def load_cpu_variants() -> str | None:
    """Loads the best usable CPU variant of a dispatch build once; returns its name, or None
    for a plain build (whose CPU backend is linked in)."""
    global _loaded_variant, _variants_tried
    if _variants_tried:
        return _loaded_variant
    _variants_tried = True
    variants = cpu_variants()
    if not variants:
        return None
    scored = []
    for name, path in variants.items():
        if name in UNVERIFIED_VARIANTS:
            continue
        try:
            library = ctypes.CDLL(str(path))
            library.ggml_backend_score.restype = ctypes.c_int
            score = library.ggml_backend_score()
        except (OSError, AttributeError):
            continue
        if score > 0:
            scored.append((score, name, path))
    if not scored:
        return None
    _, name, path = max(scored)
    load = _ggml_function("ggml_backend_load")
    load.restype = ctypes.c_void_p
    load.argtypes = [ctypes.c_char_p]
    if not load(str(path).encode()):
        return None
    _loaded_variant = name
    return name


def _ggml_function(name: str):
    """A function of the libggml that libllama really uses. A wheel cannot hold symbolic
    links, so libggml.so and libggml.so.0 are two copies with two backend registries: look the
    symbol up through libllama, whose dependencies are searched too."""
    libllama = getattr(llama_cpp.llama_cpp, "_lib", None)
    if libllama is not None and sys.platform != "win32":
        return getattr(libllama, name)
    return getattr(ctypes.CDLL(str(library_dir() / _library_name("ggml"))), name)


def system_info() -> str:
    load_cpu_variants()
    return llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()


def cpu_features(info: str | None = None) -> list[str]:
    """The instruction sets llama.cpp's CPU backend uses, from its system info."""
    info = system_info() if info is None else info
    features = []
    for part in info.replace("CPU :", "|").split("|"):
        name, _, value = part.partition("=")
        if value.strip() == "1":
            features.append(name.strip())
    return features


def build_description() -> str:
    """One line: llama-cpp-python's version and the build that install_llama.py recorded."""
    variant = load_cpu_variants()
    line = f"llama-cpp-python {llama_cpp.__version__}"
    stamp = Path(sys.prefix) / STAMP_NAME
    try:
        record = json.loads(stamp.read_text())
        used = record["used"]
        flags = " ".join([*used["cmake_args"], *([f"CFLAGS={used['cflags']}"] if used.get("cflags") else [])])
        line += f", {used['backend']} build ({flags})"
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if variant:
        line += f", CPU variant {variant}"
    return line
