"""Inkwell: a local chat and writing assistant running GGUF models with llama.cpp."""

__version__ = "0.1.0"
