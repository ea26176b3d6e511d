"""The engine: one thread that owns the only llama_cpp.Llama, and its GUI-side host."""
