#!/usr/bin/env bash
# Installs llama-cpp-python into the given Python, built for the GPU this machine really has.
#   INKWELL_LLAMA_BACKEND=cpu|cuda|metal|vulkan overrides the choice.
#   LLAMA_CMAKE_ARGS adds CMake flags of your own.
# Does nothing when the same version and backend are already installed.
# With --gpu (what `make gpu` runs) it refuses to build for the CPU.
set -euo pipefail

python=${1:?usage: install-llama.sh PYTHON [--gpu]}
want_gpu=${2:-}
version=${INKWELL_LLAMA_VERSION:-0.3.36}

detect_backend() {
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    echo cuda   # nvcc alone proves nothing: a GPU must answer
  elif [ "$(uname -s)" = Darwin ] && [ "$(uname -m)" = arm64 ]; then
    echo metal
  else
    echo cpu
  fi
}

backend=${INKWELL_LLAMA_BACKEND:-$(detect_backend)}
if [ "$want_gpu" = --gpu ] && [ "$backend" = cpu ]; then
  echo "install-llama: no NVIDIA GPU answers nvidia-smi -L and this is not an Apple Silicon Mac." >&2
  echo "For another GPU, name the backend: INKWELL_LLAMA_BACKEND=vulkan make gpu" >&2
  exit 2
fi
case "$backend" in
  cpu) cmake_args="-DGGML_CUDA=off -DGGML_METAL=off -DGGML_VULKAN=off" ;;
  cuda) cmake_args="-DGGML_CUDA=on" ;;
  metal) cmake_args="-DGGML_METAL=on" ;;
  vulkan) cmake_args="-DGGML_VULKAN=on" ;;
  *) echo "install-llama: unknown INKWELL_LLAMA_BACKEND '$backend' (use cpu, cuda, metal or vulkan)" >&2; exit 2 ;;
esac

prefix=$("$python" -c 'import sys; print(sys.prefix)')
stamp="$prefix/.inkwell-llama"
wanted="llama-cpp-python $version $backend"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && "$python" -c 'import llama_cpp' 2>/dev/null; then
  echo "llama.cpp backend: $backend (llama-cpp-python $version, already built)"
  exit 0
fi

echo "llama.cpp backend: $backend — building llama-cpp-python $version (several minutes the first time)"
pip_args=(install "llama-cpp-python==$version")
if [ -f "$stamp" ] || "$python" -c 'import llama_cpp' 2>/dev/null; then
  pip_args+=(--force-reinstall --no-deps)
fi
if [ "$backend" != cpu ]; then
  # pip's wheel cache does not know about CMake flags: a cached CPU wheel would be reused.
  pip_args+=(--no-cache-dir)
fi
CMAKE_ARGS="$cmake_args ${LLAMA_CMAKE_ARGS:-}" "$python" -m pip "${pip_args[@]}"
"$python" -m pip install --quiet "llama-cpp-python==$version"  # its dependencies, if --no-deps skipped them
echo "$wanted" > "$stamp"
"$python" -c 'import llama_cpp; print("llama.cpp GPU offload:", "yes" if llama_cpp.llama_supports_gpu_offload() else "no")'
