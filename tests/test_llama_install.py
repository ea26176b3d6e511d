"""The llama.cpp build: smoke-tested in a child process, replaced by the portable build when
it crashes, recorded with every flag that decides it (packaging/install_llama.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("install_llama", ROOT / "packaging" / "install_llama.py")
install_llama = importlib.util.module_from_spec(spec)
sys.modules["install_llama"] = install_llama
spec.loader.exec_module(install_llama)

AVX512_MACHINE = {"sse4_2", "avx", "f16c", "fma", "bmi2", "avx2", "avx512f", "avx512cd", "avx512vl",
                  "avx512dq", "avx512bw", "avx512_vnni", "amx_tile", "amx_int8", "amx_bf16"}
AVX2_MACHINE = {"sse4_2", "avx", "f16c", "fma", "bmi2", "avx2"}

# A stand-in for llama_smoke.py: a real child process that dies by SIGSEGV, as the AMX kernels
# do, when the installed build is one of those named in CRASHING.
STAND_IN_SMOKE = """
import json, os, signal, sys
installed = json.load(open(sys.argv[1]))
if installed["backend"] in sys.argv[2].split(","):
    os.kill(os.getpid(), signal.SIGSEGV)
print(json.dumps({"features": installed["features"], "system_info": "CPU : AVX2 = 1",
                  "prompt_tokens": 80, "generated_tokens": 8, "prompt_tokens_per_s": 900.0}))
"""


class StandInInstaller(install_llama.Installer):
    """Builds nothing: 'installing' a plan writes what it would report, and the smoke test
    is a real child process that crashes for the backends named in ``crashing``."""

    def __init__(self, folder: Path, crashing: tuple[str, ...]) -> None:
        super().__init__(sys.executable, prefix=folder, cache_dir=folder / "wheels", out=lambda line: None)
        self.folder, self.crashing, self.built = folder, crashing, []
        (folder / "smoke.py").write_text(STAND_IN_SMOKE)

    def build_and_install(self, plan):
        self.built.append(plan.backend)
        (self.folder / "installed.json").write_text(json.dumps(
            {"backend": plan.backend, "features": list(plan.expect_features)}))

    def smoke_command(self, plan):
        return [sys.executable, str(self.folder / "smoke.py"), str(self.folder / "installed.json"),
                ",".join(self.crashing)]

    def llama_importable(self):
        return True


def plans(machine=AVX512_MACHINE, extra=""):
    return (install_llama.plan_for("cpu", extra, machine), install_llama.plan_for("cpu-portable", extra, machine))


def test_a_native_build_that_crashes_is_replaced_by_the_portable_build_once(tmp_path):
    installer = StandInInstaller(tmp_path, crashing=("cpu",))
    note = installer.ensure(*plans())
    assert installer.built == ["cpu", "cpu-portable"]
    assert "crashed on this CPU" in note and "SIGSEGV" in note and "cpu-portable build" in note
    record = json.loads((tmp_path / ".inkwell-llama").read_text())
    assert record["used"]["backend"] == "cpu-portable" and record["requested"]["backend"] == "cpu"

    # The next `make run` rebuilds nothing and says the same.
    again = StandInInstaller(tmp_path, crashing=("cpu",))
    assert again.ensure(*plans()).startswith(note)
    assert again.built == []


def test_a_build_that_runs_is_kept(tmp_path):
    installer = StandInInstaller(tmp_path, crashing=())
    note = installer.ensure(*plans())
    assert installer.built == ["cpu"]
    assert "cpu build in use" in note


def test_when_the_portable_build_crashes_too_the_install_stops_with_what_to_report(tmp_path):
    installer = StandInInstaller(tmp_path, crashing=("cpu", "cpu-portable"))
    with pytest.raises(install_llama.InstallError) as raised:
        installer.ensure(*plans())
    message = str(raised.value)
    assert "Please report this" in message and "SIGSEGV" in message and "CPU flags:" in message
    assert not (tmp_path / ".inkwell-llama").exists()  # nothing recorded as working


def test_changed_flags_rebuild(tmp_path):
    first = StandInInstaller(tmp_path, crashing=())
    first.ensure(*plans())
    second = StandInInstaller(tmp_path, crashing=())
    second.ensure(*plans(extra="-DGGML_NATIVE=OFF"))
    assert second.built == ["cpu"]  # "already built" would have been the old answer


def test_every_flag_that_decides_a_build_is_in_its_key():
    native, portable = plans()
    assert len({native.key, portable.key, plans(extra="-DGGML_LTO=ON")[0].key,
                plans(machine=AVX2_MACHINE)[0].key, install_llama.plan_for("cuda", "", AVX2_MACHINE).key}) == 5


@pytest.mark.skipif(not install_llama.is_x86(), reason="instruction-set flags are x86-64's")
def test_the_portable_build_uses_what_the_cpu_reports_and_never_amx():
    _, portable = plans(AVX512_MACHINE)
    args = set(portable.cmake_args)
    assert {"-DGGML_NATIVE=OFF", "-DGGML_AVX2=ON", "-DGGML_AVX512=ON", "-DGGML_AVX512_VNNI=ON"} <= args
    assert {"-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AVX512_BF16=OFF"} <= args
    assert "AVX512" in portable.expect_features and "AMX_INT8" in portable.refuse_features
    _, avx2_only = plans(AVX2_MACHINE)
    assert "-DGGML_AVX512=OFF" in avx2_only.cmake_args and "-DGGML_AVX2=ON" in avx2_only.cmake_args
    native, _ = plans(AVX512_MACHINE)
    assert "-mno-amx-int8" in native.cflags and "-DGGML_NATIVE=ON" in native.cmake_args


def test_a_build_without_the_flags_it_asked_for_is_refused():
    _, portable = plans()
    wrong = json.dumps({"features": ["AVX2", "AMX_INT8"], "prompt_tokens": 80, "generated_tokens": 8})
    verdict = install_llama.judge_smoke(0, wrong, "", portable)
    assert not verdict.ok and not verdict.crashed
    assert "AVX512" in verdict.summary and "AMX_INT8" in verdict.summary


def test_a_hung_smoke_test_counts_as_a_crash():
    verdict = install_llama.judge_smoke(None, "", "", plans()[0])
    assert verdict.crashed and "hung" in verdict.summary


def test_the_installed_build_is_recorded_and_passed_its_smoke_test():
    """The llama.cpp these tests run on was installed by install_llama.py, passed its smoke
    test here and uses no AMX kernels."""
    from app.engine import llama_build

    record = json.loads((Path(sys.prefix) / ".inkwell-llama").read_text())
    assert record["format"] == install_llama.STAMP_FORMAT
    assert "ran" in record["smoke"]
    assert "AMX_INT8" not in llama_build.cpu_features()
    assert record["used"]["backend"] in llama_build.build_description()
