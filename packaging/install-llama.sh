#!/usr/bin/env bash
# Installs llama-cpp-python into the given Python, built for this machine, and proves with a
# smoke test in a child process that the build runs here (packaging/install_llama.py).
#   INKWELL_LLAMA_BACKEND=cpu|cpu-portable|cpu-dispatch|cuda|metal|vulkan overrides the choice.
#   LLAMA_CMAKE_ARGS adds CMake flags of your own.
# Does nothing when the same build (every flag that decides it) is installed and passed.
# With --gpu (what `make gpu` runs) it refuses to build for the CPU.
set -euo pipefail

python=${1:?usage: install-llama.sh PYTHON [--gpu]}
shift
exec "$python" "$(dirname "$0")/install_llama.py" "$python" "$@"
