"""What this computer has: CPU cores, memory and GPUs.

Inkwell uses these figures to choose good defaults that a person should not
have to know about: how many threads llama.cpp runs on, and how many layers
of a model fit on the GPU (see :mod:`app.core.offload`).

Every function here answers, and quickly, whatever the machine: a missing
tool, a broken driver, an unreadable /proc file or an odd output gives a
fallback (``None``, ``[]``, ``os.cpu_count()``), never an exception. Outside
tools are run with a short timeout. Still, ``nvidia-smi`` may take a good
part of a second, so call :func:`gpus` and :func:`gpu_present` off the GUI
thread, and not in a loop.

The parsing is done by pure functions (``parse_*``) that take the text, so
they are tested on recorded outputs, without the tools.

Pure standard library on purpose (no psutil): this is the core layer.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "GpuDevice",
    "apple_gpu",
    "apple_silicon",
    "available_memory_bytes",
    "gpu_present",
    "gpus",
    "nvidia_gpus",
    "parse_cpuinfo",
    "parse_meminfo",
    "parse_nvidia_smi",
    "parse_vm_stat",
    "physical_cores",
    "total_memory_bytes",
]

# How long an outside tool may take. nvidia-smi normally answers in well under
# a second; a wedged driver can make it hang for minutes.
TOOL_TIMEOUT_S: Final = 3.0

_MIB: Final = 1 << 20

# Metal lets one process keep about this share of unified memory resident for
# the GPU (MTLDevice.recommendedMaxWorkingSetSize is roughly 2/3 of RAM on
# smaller Macs, a bit more on large ones; 2/3 errs on the safe side).
# llama.cpp's Metal backend reports that working set as the GPU's memory.
_APPLE_GPU_SHARE: Final = 2 / 3

# The signature of subprocess.run as used here, so tests can pass a fake.
Runner = Callable[..., "subprocess.CompletedProcess[str]"]


# --------------------------------------------------------------------------
# Running tools
# --------------------------------------------------------------------------


def _run_tool(args: Sequence[str], run: Runner = subprocess.run) -> str | None:
    """stdout of a command that succeeded, else None (whatever went wrong)."""
    kwargs: dict[str, Any] = {}
    if os.name == "nt":
        # A GUI app must not flash a console window for every query.
        kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        result = run(
            list(args),
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_S,
            check=False,
            **kwargs,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        # OSError: not installed, not executable; SubprocessError: timed out.
        return None
    if result.returncode != 0 or not isinstance(result.stdout, str):
        return None
    return result.stdout


def _read_text(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def _positive_int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if value > 0 else None


# --------------------------------------------------------------------------
# CPU
# --------------------------------------------------------------------------


def parse_cpuinfo(text: str) -> int | None:
    """Number of physical cores in Linux's /proc/cpuinfo, or None.

    Hyper-threads of one core share a (physical id, core id) pair, so the
    count of distinct pairs is the number of physical cores. None when the
    file does not say (many ARM kernels and some VMs omit "core id").
    """
    cores: set[tuple[str, str]] = set()
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip().lower()] = value.strip()
        if "processor" not in fields:
            continue
        if "core id" not in fields:
            return None  # one processor without topology: the count is unknowable
        # Single-socket systems sometimes leave out "physical id".
        cores.add((fields.get("physical id", "0"), fields["core id"]))
    return len(cores) or None


def _affinity_count() -> int | None:
    """CPUs this process may run on (Linux containers and taskset limit it)."""
    getter = getattr(os, "sched_getaffinity", None)
    if getter is None:
        return None
    try:
        return len(getter(0)) or None
    except OSError:
        return None


def physical_cores() -> int:
    """Physical CPU cores, at least 1: the best thread count for llama.cpp.

    Token generation is limited by memory bandwidth, and a second hyper-thread
    per core only adds contention, so llama.cpp runs best on one thread per
    physical core. Falls back to the logical count (os.cpu_count()) where the
    physical one cannot be found, e.g. on Windows.
    """
    logical = os.cpu_count() or 1
    system = platform.system()
    physical: int | None = None
    if system == "Linux":
        text = _read_text("/proc/cpuinfo")
        physical = parse_cpuinfo(text) if text is not None else None
        # /proc/cpuinfo lists the host's CPUs, even when this process (in a
        # container, under taskset) may use only a few of them.
        allowed = _affinity_count()
        if physical is not None and allowed is not None:
            physical = min(physical, allowed)
        elif allowed is not None:
            logical = min(logical, allowed)
    elif system == "Darwin":
        physical = _positive_int(_run_tool(["sysctl", "-n", "hw.physicalcpu"]))
    return max(1, physical if physical is not None else logical)


# --------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------


def parse_meminfo(text: str, key: str) -> int | None:
    """The value of ``key`` ("MemTotal", "MemAvailable") in /proc/meminfo, in bytes."""
    for line in text.splitlines():
        name, sep, rest = line.partition(":")
        if not sep or name.strip() != key:
            continue
        parts = rest.split()
        if not parts:
            return None
        try:
            value = int(parts[0])
        except ValueError:
            return None
        if value < 0:
            return None
        # The kernel writes "kB" and means KiB; a bare number is bytes.
        unit = parts[1].lower() if len(parts) > 1 else ""
        return value * 1024 if unit == "kb" else value
    return None


def parse_vm_stat(text: str) -> int | None:
    """Memory macOS could hand out now, in bytes, from `vm_stat` output.

    Counted as free + inactive + speculative pages: inactive and speculative
    pages are file cache the system drops as soon as something needs the
    room, so they are available in practice. None if the output is not
    understood.
    """
    lines = text.splitlines()
    if not lines:
        return None
    # "Mach Virtual Memory Statistics: (page size of 16384 bytes)"
    header = lines[0]
    marker = "page size of "
    start = header.find(marker)
    if start < 0:
        return None
    page_size = _positive_int(header[start + len(marker) :].split(" ", 1)[0])
    if page_size is None:
        return None
    pages: dict[str, int] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        try:
            pages[name.strip().lower()] = int(value.strip().rstrip("."))
        except ValueError:
            continue
    if "pages free" not in pages:
        return None
    counted = ("pages free", "pages inactive", "pages speculative")
    return sum(pages.get(name, 0) for name in counted) * page_size


def total_memory_bytes() -> int | None:
    """Installed RAM in bytes; None where it cannot be found (e.g. Windows)."""
    system = platform.system()
    if system == "Linux":
        text = _read_text("/proc/meminfo")
        return parse_meminfo(text, "MemTotal") if text is not None else None
    if system == "Darwin":
        return _positive_int(_run_tool(["sysctl", "-n", "hw.memsize"]))
    return None


def available_memory_bytes() -> int | None:
    """RAM that could be used now without swapping, in bytes; None if unknown.

    On Linux this is the kernel's own estimate, MemAvailable (free memory
    plus reclaimable cache), which "free" memory alone would understate.
    """
    system = platform.system()
    if system == "Linux":
        text = _read_text("/proc/meminfo")
        return parse_meminfo(text, "MemAvailable") if text is not None else None
    if system == "Darwin":
        text = _run_tool(["vm_stat"])
        return parse_vm_stat(text) if text is not None else None
    return None


# --------------------------------------------------------------------------
# GPUs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class GpuDevice:
    """A GPU llama.cpp can offload to. ``vendor`` is "nvidia" or "apple"."""

    name: str
    total_bytes: int
    free_bytes: int
    vendor: str


_NVIDIA_QUERY: Final = (
    "nvidia-smi",
    "--query-gpu=name,memory.total,memory.free",
    "--format=csv,noheader,nounits",
)


def parse_nvidia_smi(text: str) -> list[GpuDevice]:
    """GPUs in the output of :data:`_NVIDIA_QUERY` (memory in MiB).

    One line per GPU: "NVIDIA GeForce RTX 3060, 12288, 11018". A line whose
    memory is not a number ("[N/A]" on some GPUs and MIG setups, or an error
    message) is left out: a GPU without a known free memory cannot be
    planned for.
    """
    devices: list[GpuDevice] = []
    for line in text.splitlines():
        # Split from the right: the numbers are last, and a name could hold
        # a comma.
        parts = line.rsplit(",", 2)
        if len(parts) != 3:
            continue
        name = parts[0].strip()
        try:
            total_mib = int(parts[1].strip())
            free_mib = int(parts[2].strip())
        except ValueError:
            continue
        if not name or total_mib <= 0 or free_mib < 0:
            continue
        devices.append(
            GpuDevice(
                name=name,
                total_bytes=total_mib * _MIB,
                free_bytes=min(free_mib, total_mib) * _MIB,
                vendor="nvidia",
            )
        )
    return devices


def nvidia_gpus(run: Runner = subprocess.run) -> list[GpuDevice]:
    """NVIDIA GPUs with their free memory now; [] without a working nvidia-smi."""
    text = _run_tool(_NVIDIA_QUERY, run)
    return parse_nvidia_smi(text) if text is not None else []


def apple_silicon() -> bool:
    """True on an Apple Silicon Mac, where llama.cpp uses Metal.

    Under Rosetta Python reports x86_64; llama.cpp built for that Python is
    an x86 build, so False is the right answer there too.
    """
    return platform.system() == "Darwin" and platform.machine() == "arm64"


def apple_gpu(total_memory: int | None) -> GpuDevice | None:
    """The GPU of an Apple Silicon Mac with ``total_memory`` bytes of RAM.

    Memory is unified: the GPU works in RAM, up to Metal's recommended
    working set, about 2/3 of it. That working set is what llama.cpp takes
    as the GPU's free memory, and so do we. None when not on Apple Silicon
    or RAM is unknown.
    """
    if not apple_silicon() or total_memory is None or total_memory <= 0:
        return None
    usable = int(total_memory * _APPLE_GPU_SHARE)
    return GpuDevice(name="Apple GPU", total_bytes=usable, free_bytes=usable, vendor="apple")


def gpus() -> list[GpuDevice]:
    """Every GPU found: NVIDIA ones through nvidia-smi, or the Apple GPU.

    AMD and Intel GPUs (Vulkan, ROCm builds) are not detected: there is no
    tool as dependable as nvidia-smi for them. Setting a layer count by hand
    still works for them.
    """
    found = nvidia_gpus()
    apple = apple_gpu(total_memory_bytes())
    if apple is not None:
        found.append(apple)
    return found


def gpu_present(run: Runner = subprocess.run) -> bool:
    """Whether a GPU llama.cpp could use is here.

    The same test packaging/install-llama.sh uses to pick the build: an
    NVIDIA GPU answers `nvidia-smi -L` (the CUDA toolkit alone proves
    nothing), or this is an Apple Silicon Mac.
    """
    if apple_silicon():
        return True
    return _run_tool(["nvidia-smi", "-L"], run) is not None
