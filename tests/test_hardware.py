"""Tests for app.core.hardware: CPU, memory and GPU detection that never fails."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core import hardware
from app.core.hardware import (
    GpuDevice,
    apple_gpu,
    apple_silicon,
    gpu_present,
    nvidia_gpus,
    parse_cpuinfo,
    parse_meminfo,
    parse_nvidia_smi,
    parse_vm_stat,
    physical_cores,
)

MIB = 2**20


# --------------------------------------------------------------------------
# /proc/cpuinfo
# --------------------------------------------------------------------------


def _x86_processor(n: int, physical_id: int, core_id: int, siblings: int, cores: int) -> str:
    return (
        f"processor\t: {n}\n"
        "vendor_id\t: GenuineIntel\n"
        "cpu family\t: 6\n"
        "model name\t: Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz\n"
        "cpu MHz\t\t: 2900.000\n"
        "cache size\t: 16384 KB\n"
        f"physical id\t: {physical_id}\n"
        f"siblings\t: {siblings}\n"
        f"core id\t\t: {core_id}\n"
        f"cpu cores\t: {cores}\n"
        f"apicid\t\t: {2 * core_id + n // cores}\n"
        "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic ht\n"
        "bogomips\t: 5799.77\n"
    )


def _cpuinfo(processors: list[str]) -> str:
    return "\n".join(processors) + "\n"


# 8 cores with hyper-threading: processors 0-7 are the first threads of
# cores 0-7, processors 8-15 the second threads of the same cores.
HYPERTHREADED = _cpuinfo([_x86_processor(n, 0, n % 8, 16, 8) for n in range(16)])

# Two sockets of 4 cores, 2 threads each. Core ids repeat across sockets.
TWO_SOCKETS = _cpuinfo(
    [_x86_processor(n, n // 8, (n % 8) // 2, 8, 4) for n in range(16)]
)

ARM = """processor\t: 0
BogoMIPS\t: 48.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid
CPU implementer\t: 0x41
CPU part\t: 0xd08

processor\t: 1
BogoMIPS\t: 48.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid
CPU implementer\t: 0x41
CPU part\t: 0xd08

Hardware\t: BCM2835
Model\t\t: Raspberry Pi 4 Model B Rev 1.4
"""


def test_cpuinfo_hyperthreads_count_once() -> None:
    assert HYPERTHREADED.count("processor") == 16
    assert parse_cpuinfo(HYPERTHREADED) == 8


def test_cpuinfo_core_ids_repeat_across_sockets() -> None:
    assert parse_cpuinfo(TWO_SOCKETS) == 8


def test_cpuinfo_without_topology_is_unknown() -> None:
    assert parse_cpuinfo(ARM) is None
    assert parse_cpuinfo("") is None
    assert parse_cpuinfo("garbage\n\x00\n") is None


def test_cpuinfo_without_physical_id_is_one_socket() -> None:
    text = "processor : 0\ncore id : 0\n\nprocessor : 1\ncore id : 1\n\nprocessor : 2\ncore id : 0\n"
    assert parse_cpuinfo(text) == 2


def test_cpuinfo_with_one_processor_lacking_core_id_is_unknown() -> None:
    text = HYPERTHREADED + "\nprocessor\t: 16\nmodel name\t: odd\n"
    assert parse_cpuinfo(text) is None


def test_physical_cores_on_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardware.platform, "system", lambda: "Linux")
    monkeypatch.setattr(hardware, "_read_text", lambda path: HYPERTHREADED)
    monkeypatch.setattr(hardware.os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert physical_cores() == 8


def test_physical_cores_limited_by_affinity(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container allowed 3 CPUs of a 16-thread host must not run 8 threads."""
    monkeypatch.setattr(hardware.platform, "system", lambda: "Linux")
    monkeypatch.setattr(hardware, "_read_text", lambda path: HYPERTHREADED)
    monkeypatch.setattr(hardware.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert physical_cores() == 3


def test_physical_cores_linux_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardware.platform, "system", lambda: "Linux")
    monkeypatch.setattr(hardware, "_read_text", lambda path: None)  # unreadable
    monkeypatch.setattr(hardware.os, "cpu_count", lambda: 12)
    monkeypatch.setattr(hardware.os, "sched_getaffinity", lambda pid: set(range(12)), raising=False)
    assert physical_cores() == 12
    monkeypatch.setattr(hardware, "_read_text", lambda path: ARM)
    assert physical_cores() == 12


def test_physical_cores_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake_tool(args, run=None):
        calls.append(list(args))
        return "10\n"

    monkeypatch.setattr(hardware.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(hardware, "_run_tool", fake_tool)
    assert physical_cores() == 10
    assert calls == [["sysctl", "-n", "hw.physicalcpu"]]
    monkeypatch.setattr(hardware, "_run_tool", lambda args, run=None: None)
    monkeypatch.setattr(hardware.os, "cpu_count", lambda: 6)
    assert physical_cores() == 6


@pytest.mark.parametrize(("cpu_count", "expected"), [(4, 4), (None, 1)])
def test_physical_cores_elsewhere(
    monkeypatch: pytest.MonkeyPatch, cpu_count: int | None, expected: int
) -> None:
    monkeypatch.setattr(hardware.platform, "system", lambda: "Windows")
    monkeypatch.setattr(hardware.os, "cpu_count", lambda: cpu_count)
    assert physical_cores() == expected


def test_physical_cores_on_this_machine() -> None:
    cores = physical_cores()
    assert isinstance(cores, int) and 1 <= cores <= (os.cpu_count() or 1)


# --------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------

MEMINFO = """MemTotal:       32791284 kB
MemFree:         1873420 kB
MemAvailable:   20117688 kB
Buffers:          912344 kB
Cached:         16312088 kB
SwapCached:            0 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
"""


def test_parse_meminfo() -> None:
    assert parse_meminfo(MEMINFO, "MemTotal") == 32791284 * 1024
    assert parse_meminfo(MEMINFO, "MemAvailable") == 20117688 * 1024
    assert parse_meminfo(MEMINFO, "HugePages_Total") == 0  # no unit: a plain number
    assert parse_meminfo(MEMINFO, "Nope") is None
    # Old kernels (before 3.14) have no MemAvailable.
    assert parse_meminfo("MemTotal: 1000 kB\nMemFree: 10 kB\n", "MemAvailable") is None
    assert parse_meminfo("MemTotal: lots kB\n", "MemTotal") is None
    assert parse_meminfo("MemTotal:\n", "MemTotal") is None
    assert parse_meminfo("", "MemTotal") is None


VM_STAT = """Mach Virtual Memory Statistics: (page size of 16384 bytes)
Pages free:                               12345.
Pages active:                            400000.
Pages inactive:                          300000.
Pages speculative:                         5000.
Pages throttled:                              0.
Pages wired down:                        150000.
Pages purgeable:                          20000.
"Translation faults":                 123456789.
Pages stored in compressor:              250000.
"""


def test_parse_vm_stat() -> None:
    assert parse_vm_stat(VM_STAT) == (12345 + 300000 + 5000) * 16384
    assert parse_vm_stat(VM_STAT.replace("16384", "4096")) == (12345 + 300000 + 5000) * 4096
    assert parse_vm_stat("") is None
    assert parse_vm_stat("vm_stat: command failed\n") is None
    assert parse_vm_stat(VM_STAT.splitlines()[0] + "\n") is None  # no page counts


def test_memory_on_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardware.platform, "system", lambda: "Linux")
    monkeypatch.setattr(hardware, "_read_text", lambda path: MEMINFO if path == "/proc/meminfo" else None)
    assert hardware.total_memory_bytes() == 32791284 * 1024
    assert hardware.available_memory_bytes() == 20117688 * 1024
    monkeypatch.setattr(hardware, "_read_text", lambda path: None)
    assert hardware.total_memory_bytes() is None
    assert hardware.available_memory_bytes() is None


def test_memory_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = {"sysctl": "17179869184\n", "vm_stat": VM_STAT}
    monkeypatch.setattr(hardware.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(hardware, "_run_tool", lambda args, run=None: outputs.get(args[0]))
    assert hardware.total_memory_bytes() == 16 * 2**30
    assert hardware.available_memory_bytes() == (12345 + 300000 + 5000) * 16384
    monkeypatch.setattr(hardware, "_run_tool", lambda args, run=None: None)
    assert hardware.total_memory_bytes() is None
    assert hardware.available_memory_bytes() is None


def test_memory_elsewhere_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardware.platform, "system", lambda: "Windows")
    assert hardware.total_memory_bytes() is None
    assert hardware.available_memory_bytes() is None


def test_memory_on_this_machine() -> None:
    total = hardware.total_memory_bytes()
    available = hardware.available_memory_bytes()
    if sys.platform.startswith("linux"):
        assert total is not None and total > 100 * MIB
        assert available is not None and 0 < available <= total
    else:
        assert total is None or total > 0


# --------------------------------------------------------------------------
# nvidia-smi
# --------------------------------------------------------------------------


def test_parse_one_gpu() -> None:
    assert parse_nvidia_smi("NVIDIA GeForce RTX 3060, 12288, 11018\n") == [
        GpuDevice("NVIDIA GeForce RTX 3060", 12288 * MIB, 11018 * MIB, "nvidia")
    ]


def test_parse_several_gpus_and_windows_line_ends() -> None:
    text = "NVIDIA A100-SXM4-80GB, 81920, 81037\r\nTesla T4, 15360, 14910\r\n"
    assert parse_nvidia_smi(text) == [
        GpuDevice("NVIDIA A100-SXM4-80GB", 81920 * MIB, 81037 * MIB, "nvidia"),
        GpuDevice("Tesla T4", 15360 * MIB, 14910 * MIB, "nvidia"),
    ]


def test_parse_skips_unknown_memory_and_garbage() -> None:
    text = (
        "NVIDIA GB10, [N/A], [N/A]\n"
        "NVIDIA H100 80GB HBM3, 81559, [N/A]\n"
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"
        "\n"
        ", 1024, 512\n"  # no name
        "Weird GPU, -5, 3\n"
        "Odd, Name, With Commas, 8192, 4096\n"
        "\x00\xff garbage\n"
    )
    assert parse_nvidia_smi(text) == [GpuDevice("Odd, Name, With Commas", 8192 * MIB, 4096 * MIB, "nvidia")]
    assert parse_nvidia_smi("") == []
    assert parse_nvidia_smi("No devices were found\n") == []


class FakeRun:
    """Stands in for subprocess.run: records the call, then answers or raises."""

    def __init__(self, stdout: str = "", returncode: int = 0, error: BaseException | None = None) -> None:
        self.stdout = stdout
        self.returncode = returncode
        self.error = error
        self.calls: list[tuple[list[str], dict]] = []

    def __call__(self, args, **kwargs):
        self.calls.append((list(args), kwargs))
        if self.error is not None:
            raise self.error
        return subprocess.CompletedProcess(args, self.returncode, self.stdout, "")


def test_nvidia_gpus_queries_with_a_timeout() -> None:
    run = FakeRun("NVIDIA GeForce RTX 4090, 24564, 23000\n")
    assert nvidia_gpus(run) == [GpuDevice("NVIDIA GeForce RTX 4090", 24564 * MIB, 23000 * MIB, "nvidia")]
    (args, kwargs), = run.calls
    assert args == [
        "nvidia-smi",
        "--query-gpu=name,memory.total,memory.free",
        "--format=csv,noheader,nounits",
    ]
    assert 0 < kwargs["timeout"] <= 3
    assert kwargs["capture_output"] is True and kwargs["text"] is True


@pytest.mark.parametrize(
    "error",
    [
        FileNotFoundError(2, "No such file or directory: 'nvidia-smi'"),
        PermissionError(13, "Permission denied"),
        subprocess.TimeoutExpired(["nvidia-smi"], 3),
        OSError(8, "Exec format error"),
    ],
)
def test_nvidia_gpus_when_the_tool_fails(error: BaseException) -> None:
    run = FakeRun(error=error)
    assert nvidia_gpus(run) == []
    assert len(run.calls) == 1


def test_nvidia_gpus_when_the_driver_fails() -> None:
    run = FakeRun("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n", returncode=9)
    assert nvidia_gpus(run) == []
    # Even a "successful" run with a GPU line is not believed when it failed.
    assert nvidia_gpus(FakeRun("Tesla T4, 15360, 14910\n", returncode=1)) == []


def _fake_tool(directory: Path, name: str, script: str) -> None:
    tool = directory / name
    tool.write_text(f"#!/bin/sh\n{script}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


posix_only = pytest.mark.skipif(os.name != "posix", reason="uses a shell-script stand-in")


@posix_only
def test_real_subprocess_without_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no tools at all
    monkeypatch.setattr(hardware, "apple_silicon", lambda: False)
    assert nvidia_gpus() == []
    assert gpu_present() is False
    assert hardware.gpus() == []


@posix_only
def test_real_subprocess_with_a_stand_in_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_tool(
        tmp_path,
        "nvidia-smi",
        'if [ "$1" = -L ]; then echo "GPU 0: Stand-in (UUID: GPU-1)"; exit 0; fi\n'
        'echo "Stand-in GPU, 8192, 6000"',
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(hardware, "apple_silicon", lambda: False)
    assert nvidia_gpus() == [GpuDevice("Stand-in GPU", 8192 * MIB, 6000 * MIB, "nvidia")]
    assert gpu_present() is True


@posix_only
def test_a_hanging_nvidia_smi_does_not_hang_us(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # exec, so the timeout's kill reaches the sleeping process itself.
    _fake_tool(tmp_path, "nvidia-smi", "exec sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(hardware, "TOOL_TIMEOUT_S", 0.3)
    monkeypatch.setattr(hardware, "apple_silicon", lambda: False)
    start = time.monotonic()
    assert nvidia_gpus() == []
    assert gpu_present() is False
    assert time.monotonic() - start < 5


def test_gpus_on_this_machine_do_not_fail() -> None:
    found = hardware.gpus()
    assert isinstance(found, list)
    assert all(isinstance(d, GpuDevice) and d.vendor in ("nvidia", "apple") for d in found)
    assert isinstance(gpu_present(), bool)


# --------------------------------------------------------------------------
# Apple Silicon and gpu_present
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "machine", "expected"),
    [("Darwin", "arm64", True), ("Darwin", "x86_64", False), ("Linux", "arm64", False), ("Windows", "AMD64", False)],
)
def test_apple_silicon(monkeypatch: pytest.MonkeyPatch, system: str, machine: str, expected: bool) -> None:
    monkeypatch.setattr(hardware.platform, "system", lambda: system)
    monkeypatch.setattr(hardware.platform, "machine", lambda: machine)
    assert apple_silicon() is expected


def test_apple_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardware, "apple_silicon", lambda: True)
    gpu = apple_gpu(24 * 2**30)
    assert gpu == GpuDevice("Apple GPU", 16 * 2**30, 16 * 2**30, "apple")
    assert apple_gpu(None) is None
    assert apple_gpu(0) is None
    monkeypatch.setattr(hardware, "apple_silicon", lambda: False)
    assert apple_gpu(24 * 2**30) is None


def test_gpus_on_a_mac(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardware, "apple_silicon", lambda: True)
    monkeypatch.setattr(hardware, "nvidia_gpus", lambda: [])
    monkeypatch.setattr(hardware, "total_memory_bytes", lambda: 12 * 2**30)
    assert hardware.gpus() == [GpuDevice("Apple GPU", 8 * 2**30, 8 * 2**30, "apple")]


def test_gpu_present(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardware, "apple_silicon", lambda: False)
    run = FakeRun("GPU 0: NVIDIA GeForce RTX 3060 (UUID: GPU-abc)\n")
    assert gpu_present(run) is True
    (args, kwargs), = run.calls
    assert args == ["nvidia-smi", "-L"] and 0 < kwargs["timeout"] <= 3


def test_gpu_present_without_a_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardware, "apple_silicon", lambda: False)
    assert gpu_present(FakeRun(error=FileNotFoundError())) is False
    assert gpu_present(FakeRun(error=subprocess.TimeoutExpired(["nvidia-smi"], 3))) is False
    assert gpu_present(FakeRun("No devices were found\n", returncode=6)) is False
    monkeypatch.setattr(hardware, "apple_silicon", lambda: True)
    assert gpu_present(FakeRun(error=FileNotFoundError())) is True
