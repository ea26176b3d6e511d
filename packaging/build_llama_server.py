"""Builds llama.cpp's own `llama-server` from the very llama.cpp Inkwell's llama-cpp-python
wheel was built from, with the same CMake flags, so that `inkwell bench --llama-server PATH`
compares Inkwell with the native server on equal terms.

    python packaging/build_llama_server.py PYTHON      (`make llama-server` calls this)

The source is the llama-cpp-python sdist of the installed version (its vendor/llama.cpp),
fetched from the package index with pip. The flags are those recorded in the environment by
packaging/install_llama.py (``.inkwell-llama``). The binary is kept in
``~/.cache/inkwell/llama-server/KEY/`` (KEY: version and flags) and its path printed; nothing
is rebuilt when it is there. The web interface is left out: it would be downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

SERVER_ARGS = ("-DLLAMA_BUILD_SERVER=ON", "-DLLAMA_BUILD_TOOLS=ON", "-DLLAMA_BUILD_EXAMPLES=OFF",
               "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_UI=OFF", "-DLLAMA_USE_PREBUILT_UI=OFF",
               "-DLLAMA_OPENSSL=OFF", "-DBUILD_SHARED_LIBS=OFF", "-DCMAKE_BUILD_TYPE=Release")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "inkwell" / "llama-server"


def installed_build(python: str) -> tuple[str, list[str], str]:
    """The installed llama-cpp-python's version, and the CMake flags and CFLAGS it was built with."""
    version = subprocess.run([python, "-c", "import llama_cpp; print(llama_cpp.__version__)"],
                             check=True, capture_output=True, text=True).stdout.strip()
    stamp = Path(os.path.abspath(python)).parent.parent / ".inkwell-llama"  # the venv, not its symlink target
    try:
        used = json.loads(stamp.read_text())["used"]
    except (OSError, ValueError, KeyError):
        raise SystemExit(f"build-llama-server: {stamp} is missing: run `make setup` first") from None
    return version, list(used["cmake_args"]), used.get("cflags", "")


def main(argv: list[str]) -> int:
    python = argv[0] if argv else sys.executable
    version, cmake_args, cflags = installed_build(python)
    described = json.dumps([version, cmake_args, cflags, SERVER_ARGS])
    target = cache_dir() / hashlib.sha256(described.encode()).hexdigest()[:16] / "llama-server"
    if target.exists():
        print(target)
        return 0
    with tempfile.TemporaryDirectory(prefix="inkwell-llama-server-") as work:
        work_dir = Path(work)
        print(f"build-llama-server: fetching the llama-cpp-python {version} source", file=sys.stderr)
        subprocess.run([python, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        f"llama-cpp-python=={version}", "-d", str(work_dir)], check=True)
        archive = next(work_dir.glob("llama_cpp_python-*.tar.gz"))
        with tarfile.open(archive) as sdist:
            sdist.extractall(work_dir, filter="data")
        source = next(work_dir.glob("llama_cpp_python-*/vendor/llama.cpp"))
        build = work_dir / "build"
        env = dict(os.environ, CFLAGS=cflags, CXXFLAGS=cflags) if cflags else dict(os.environ)
        print(f"build-llama-server: building llama-server with {' '.join(cmake_args)}"
              + (f" CFLAGS={cflags!r}" if cflags else ""), file=sys.stderr)
        subprocess.run(["cmake", "-S", str(source), "-B", str(build), *cmake_args, *SERVER_ARGS], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", str(build), "--target", "llama-server", "-j", str(os.cpu_count() or 2)],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(build / "bin" / "llama-server", target)
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
