"""Installs llama-cpp-python into a Python environment, built for this machine, and proves
that the build runs here before anyone relies on it.

    python packaging/install_llama.py [--gpu]      (install-llama.sh and `make` call this)

Backends (``INKWELL_LLAMA_BACKEND``; detected when unset):
  cpu           optimised for this CPU (-march=native) with Intel AMX left out
  cpu-portable  no -march=native: the instruction sets this CPU reports (AVX2 family,
                AVX-512 where present), never AMX
  cpu-dispatch  one CPU backend per instruction-set level, the best loaded at run time
                (for bundles handed to other computers; AMX variant left out)
  cuda, metal, vulkan   the GPU backends
``LLAMA_CMAKE_ARGS`` adds CMake flags of your own.

After every build a child process loads the starter model, evaluates a prompt of at least
64 tokens in one batch and generates a few tokens (packaging/llama_smoke.py). A native CPU
build that dies there is replaced once by the portable build. What was built, with which
flags, and how its smoke test went is recorded in the environment (``.inkwell-llama``), so
the next run does nothing unless something that decides the build has changed. Wheels are
kept in a cache of our own, keyed by everything that decides the build, because pip's
wheel cache does not know about CMake flags.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

VERSION = os.environ.get("INKWELL_LLAMA_VERSION", "0.3.36")
HERE = Path(__file__).resolve().parent
SMOKE_SCRIPT = HERE / "llama_smoke.py"
SMOKE_TIMEOUT_S = 300
STAMP_NAME = ".inkwell-llama"
# Bump when the meaning of a build description changes, so old records are not trusted.
STAMP_FORMAT = 2

GPU_ARGS = {"cuda": ["-DGGML_CUDA=on"], "metal": ["-DGGML_METAL=on"], "vulkan": ["-DGGML_VULKAN=on"]}
NO_GPU_ARGS = ["-DGGML_CUDA=off", "-DGGML_METAL=off", "-DGGML_VULKAN=off"]
# GCC and Clang let an explicit -mno-* win over -march=native whatever the order.
NO_AMX_CFLAGS = "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
BACKENDS = ("cpu", "cpu-portable", "cpu-dispatch", "cuda", "metal", "vulkan")

# /proc/cpuinfo flag(s) -> the ggml option that uses them (x86-64).
X86_FEATURES = (
    (("sse4_2",), "GGML_SSE42"),
    (("avx",), "GGML_AVX"),
    (("f16c",), "GGML_F16C"),
    (("fma",), "GGML_FMA"),
    (("bmi2",), "GGML_BMI2"),
    (("avx2",), "GGML_AVX2"),
    (("avx_vnni",), "GGML_AVX_VNNI"),
    (("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"), "GGML_AVX512"),
    (("avx512vbmi",), "GGML_AVX512_VBMI"),
    (("avx512_vnni",), "GGML_AVX512_VNNI"),
    (("avx512_bf16",), "GGML_AVX512_BF16"),
)
# ggml option -> the name llama.cpp's system info prints when the build uses it.
SYSTEM_INFO_NAMES = {"GGML_AVX": "AVX", "GGML_AVX2": "AVX2", "GGML_AVX512": "AVX512",
                     "GGML_AVX512_VBMI": "AVX512_VBMI", "GGML_AVX512_VNNI": "AVX512_VNNI",
                     "GGML_AVX512_BF16": "AVX512_BF16", "GGML_AVX_VNNI": "AVX_VNNI",
                     "GGML_FMA": "FMA", "GGML_F16C": "F16C", "GGML_BMI2": "BMI2"}


class InstallError(Exception):
    """Stops the install with a message for the person who ran it."""


# -- the machine -----------------------------------------------------------------------------


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def is_x86() -> bool:
    return platform.machine().lower() in ("x86_64", "amd64", "i686", "i386")


def detect_backend() -> str:
    nvidia = shutil.which("nvidia-smi")
    if nvidia and subprocess.run([nvidia, "-L"], capture_output=True).returncode == 0:
        return "cuda"  # nvcc alone proves nothing: a GPU must answer
    if sys.platform == "darwin" and platform.machine() == "arm64":
        return "metal"
    return "cpu"


# -- what decides a build ---------------------------------------------------------------------


@dataclass(frozen=True)
class BuildPlan:
    backend: str
    cmake_args: tuple[str, ...]
    cflags: str = ""
    # Instruction sets the build must report in llama.cpp's system info, and must not.
    expect_features: tuple[str, ...] = ()
    refuse_features: tuple[str, ...] = ()
    expect_gpu: bool = False
    # A native build is for this CPU only: its wheel must not be reused on another one.
    machine: str = ""
    version: str = VERSION

    @property
    def key(self) -> str:
        described = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(described.encode()).hexdigest()[:16]

    def describe(self) -> str:
        flags = " ".join(self.cmake_args)
        if self.cflags:
            flags += f" CFLAGS={self.cflags!r}"
        return f"llama-cpp-python {self.version}, {self.backend} ({flags})"


def portable_cmake_args(flags: set[str]) -> tuple[list[str], list[str]]:
    """CMake options for the instruction sets this CPU reports, and the names llama.cpp
    prints for them. Never AMX."""
    args = ["-DGGML_NATIVE=OFF", "-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF"]
    printed = []
    if not is_x86():
        return args, printed
    for needed, option in X86_FEATURES:
        present = all(flag in flags for flag in needed)
        args.append(f"-D{option}={'ON' if present else 'OFF'}")
        if present and option in SYSTEM_INFO_NAMES:
            printed.append(SYSTEM_INFO_NAMES[option])
    return args, printed


def plan_for(backend: str, extra_args: str = "", flags: set[str] | None = None) -> BuildPlan:
    flags = cpu_flags() if flags is None else flags
    extra = tuple(shlex.split(extra_args))
    machine = f"{cpu_name()} [{hashlib.sha256(' '.join(sorted(flags)).encode()).hexdigest()[:12]}]"
    no_amx = ("AMX_INT8", "AMX_TILE") if is_x86() else ()
    if backend == "cpu":
        return BuildPlan(backend, ("-DGGML_NATIVE=ON", *NO_GPU_ARGS, *extra),
                         cflags=NO_AMX_CFLAGS if is_x86() else "", refuse_features=no_amx, machine=machine)
    if backend == "cpu-portable":
        args, printed = portable_cmake_args(flags)
        return BuildPlan(backend, (*args, *NO_GPU_ARGS, *extra), expect_features=tuple(printed),
                         refuse_features=no_amx, machine=machine)
    if backend == "cpu-dispatch":
        args = ["-DGGML_NATIVE=OFF", "-DGGML_BACKEND_DL=ON", "-DGGML_CPU_ALL_VARIANTS=ON",
                # The CPU variants are modules; install them beside libllama, where the app
                # looks for them (app/engine/backend.py load_cpu_variants).
                "-DCMAKE_INSTALL_BINDIR=llama_cpp/lib"]
        return BuildPlan(backend, (*args, *NO_GPU_ARGS, *extra), refuse_features=no_amx)
    if backend in GPU_ARGS:
        return BuildPlan(backend, (*GPU_ARGS[backend], *extra), expect_gpu=True, machine=machine)
    raise InstallError(f"unknown INKWELL_LLAMA_BACKEND '{backend}' (use {', '.join(BACKENDS)})")


# -- the smoke test ---------------------------------------------------------------------------


@dataclass
class SmokeResult:
    ok: bool
    summary: str  # one line: what happened
    crashed: bool = False  # died by a signal or hung: the build does not run on this machine
    report: dict = field(default_factory=dict)


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def judge_smoke(returncode: int | None, stdout: str, stderr: str, plan: BuildPlan) -> SmokeResult:
    """What a finished (or timed-out, returncode None) smoke test says about the build."""
    if returncode is None:
        return SmokeResult(False, f"the smoke test hung for over {SMOKE_TIMEOUT_S} s", crashed=True)
    if returncode < 0:
        return SmokeResult(False, f"the smoke test died with {signal_name(-returncode)}", crashed=True)
    if returncode != 0:
        tail = (stderr.strip().splitlines() or ["(no output)"])[-1]
        return SmokeResult(False, f"the smoke test failed: {tail}")
    try:
        report = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return SmokeResult(False, "the smoke test printed no result")
    features = set(report.get("features", []))
    missing = [name for name in plan.expect_features if name not in features]
    unwanted = [name for name in plan.refuse_features if name in features]
    if missing or unwanted:
        return SmokeResult(False, "the installed llama.cpp was not built with the flags asked for "
                           f"(missing: {', '.join(missing) or 'none'}; unwanted: {', '.join(unwanted) or 'none'})",
                           report=report)
    if plan.expect_gpu and not report.get("gpu_offload"):
        return SmokeResult(False, "the installed llama.cpp has no GPU offload although a GPU build was asked for",
                           report=report)
    return SmokeResult(True, f"a {report.get('prompt_tokens')}-token prompt and {report.get('generated_tokens')} "
                       f"generated tokens ran ({report.get('prompt_tokens_per_s', 0):.0f} prompt tokens/s)",
                       report=report)


# -- the installer ----------------------------------------------------------------------------


class Installer:
    def __init__(self, python: str, *, prefix: Path | None = None, cache_dir: Path | None = None, out=print) -> None:
        self.python = python
        self.prefix = prefix or Path(self._ask_python("import sys; print(sys.prefix)"))
        self.stamp = self.prefix / STAMP_NAME
        self.cache_dir = cache_dir or wheel_cache_dir()
        self.out = out

    def _ask_python(self, code: str) -> str:
        return subprocess.run([self.python, "-c", code], check=True, capture_output=True, text=True).stdout.strip()

    # The two steps a test replaces with stand-ins.

    def build_and_install(self, plan: BuildPlan) -> None:
        wheel = self._cached_wheel(plan) or self._build_wheel(plan)
        self._pip("install", "--quiet", "--force-reinstall", "--no-deps", str(wheel))
        # Its dependencies (numpy, diskcache, …), which --no-deps skipped.
        self._pip("install", "--quiet", str(wheel))

    def smoke_command(self, plan: BuildPlan) -> list[str]:
        return [self.python, str(SMOKE_SCRIPT)]

    # ---

    def run_smoke(self, plan: BuildPlan) -> SmokeResult:
        try:
            done = subprocess.run(self.smoke_command(plan), capture_output=True, text=True, timeout=SMOKE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return judge_smoke(None, "", "", plan)
        return judge_smoke(done.returncode, done.stdout, done.stderr, plan)

    def _pip(self, *args: str, env: dict | None = None) -> None:
        subprocess.run([self.python, "-m", "pip", *args], check=True, env=env)

    def _cached_wheel(self, plan: BuildPlan) -> Path | None:
        folder = self.cache_dir / plan.key
        wheels = sorted(folder.glob("llama_cpp_python-*.whl"))
        if wheels and (folder / "build.json").is_file():
            self.out(f"install-llama: using the wheel built earlier for these flags ({folder})")
            return wheels[-1]
        return None

    def _build_wheel(self, plan: BuildPlan) -> Path:
        self.out(f"install-llama: building {plan.describe()} — several minutes the first time")
        env = dict(os.environ, CMAKE_ARGS=" ".join(plan.cmake_args))
        env.pop("SOURCE_DATE_EPOCH", None)  # it would silently turn -march=native off
        for name in ("CFLAGS", "CXXFLAGS"):
            env[name] = " ".join(part for part in (os.environ.get(name, ""), plan.cflags) if part)
        with tempfile.TemporaryDirectory(prefix="inkwell-llama-") as scratch:
            # --no-cache-dir: pip's own cache would hand back a wheel built with other flags.
            self._pip("wheel", "--no-deps", "--no-cache-dir", "--wheel-dir", scratch,
                      f"llama-cpp-python=={plan.version}", env=env)
            built = sorted(Path(scratch).glob("llama_cpp_python-*.whl"))
            if not built:
                raise InstallError("pip reported success but left no llama-cpp-python wheel")
            folder = self.cache_dir / plan.key
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / built[-1].name
            shutil.move(str(built[-1]), target)
        (folder / "build.json").write_text(json.dumps(asdict(plan), indent=2) + "\n")
        return target

    def recorded(self) -> dict:
        try:
            record = json.loads(self.stamp.read_text())
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) and record.get("format") == STAMP_FORMAT else {}

    def record(self, requested: BuildPlan, used: BuildPlan, smoke: SmokeResult, note: str) -> None:
        self.stamp.write_text(json.dumps({
            "format": STAMP_FORMAT, "requested": asdict(requested), "requested_key": requested.key,
            "used": asdict(used), "used_key": used.key, "smoke": smoke.summary,
            "features": smoke.report.get("features", []), "system_info": smoke.report.get("system_info", ""),
            "note": note,
        }, indent=2) + "\n")

    def llama_importable(self) -> bool:
        return subprocess.run([self.python, "-c", "import llama_cpp"], capture_output=True).returncode == 0

    def ensure(self, requested: BuildPlan, fallback: BuildPlan | None) -> str:
        """Makes sure a build that passed its smoke test on this machine is installed;
        returns the sentence that says which one."""
        record = self.recorded()
        if record.get("requested_key") == requested.key and self.llama_importable():
            return f"{record.get('note', '')} (Already installed; nothing rebuilt.)".strip()
        self.build_and_install(requested)
        smoke = self.run_smoke(requested)
        self.out(f"install-llama: {smoke.summary}")
        if smoke.ok:
            note = (f"llama.cpp: {requested.backend} build in use; {smoke.summary}. "
                    f"CPU features: {' '.join(smoke.report.get('features', [])) or 'none reported'}"
                    + (f" (CPU variant {smoke.report['cpu_variant']})." if smoke.report.get("cpu_variant") else "."))
            self.record(requested, requested, smoke, note)
            return note
        if not smoke.crashed or fallback is None:
            raise InstallError(self._failure(requested, smoke))
        self.out(f"install-llama: the {requested.backend} build does not run on this CPU; "
                 f"building the {fallback.backend} build instead")
        self.build_and_install(fallback)
        second = self.run_smoke(fallback)
        self.out(f"install-llama: {second.summary}")
        if not second.ok:
            raise InstallError(self._failure(fallback, second, first=smoke))
        note = (f"llama.cpp: the {requested.backend} build crashed on this CPU ({smoke.summary}), so Inkwell "
                f"uses the {fallback.backend} build, which passed the same test; CPU features: "
                f"{' '.join(second.report.get('features', [])) or 'none reported'}.")
        self.record(requested, fallback, second, note)
        return note

    def _failure(self, plan: BuildPlan, smoke: SmokeResult, first: SmokeResult | None = None) -> str:
        lines = [f"install-llama: the {plan.backend} build of llama.cpp does not work here: {smoke.summary}."]
        if first is not None:
            lines.append(f"The build tried before it failed too: {first.summary}.")
        lines += [
            "Please report this at the project's issue tracker with the lines below:",
            f"  build: {plan.describe()}",
            f"  CPU: {cpu_name()} ({platform.machine()}, {platform.system()} {platform.release()})",
            f"  CPU flags: {' '.join(sorted(cpu_flags())) or 'unknown'}",
        ]
        if smoke.report.get("system_info"):
            lines.append(f"  llama.cpp: {smoke.report['system_info']}")
        if plan.backend in GPU_ARGS:
            lines.append("To run on the CPU meanwhile: INKWELL_LLAMA_BACKEND=cpu-portable make run")
        return "\n".join(lines)


def wheel_cache_dir() -> Path:
    configured = os.environ.get("INKWELL_WHEEL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "inkwell" / "llama-wheels"


def main(argv: list[str]) -> int:
    python = argv[0] if argv else sys.executable
    want_gpu = "--gpu" in argv[1:]
    backend = os.environ.get("INKWELL_LLAMA_BACKEND") or detect_backend()
    if want_gpu and backend.startswith("cpu"):
        print("install-llama: no NVIDIA GPU answers nvidia-smi -L and this is not an Apple Silicon Mac.\n"
              "For another GPU, name the backend: INKWELL_LLAMA_BACKEND=vulkan make gpu", file=sys.stderr)
        return 2
    try:
        extra = os.environ.get("LLAMA_CMAKE_ARGS", "")
        requested = plan_for(backend, extra)
        fallback = plan_for("cpu-portable", extra) if backend == "cpu" else None
        print(Installer(python).ensure(requested, fallback))
    except InstallError as error:
        print(error, file=sys.stderr)
        return 3
    except subprocess.CalledProcessError as error:
        print(f"install-llama: a step failed ({' '.join(map(str, error.cmd[:4]))} …, exit {error.returncode}); "
              "the output above says why.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
