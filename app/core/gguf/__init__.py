"""Read a GGUF model file's header and metadata, without llama.cpp.

Inkwell checks a model file with this package *before* handing it to
llama.cpp. llama.cpp reports a bad file with a terse log line (or, for a few
malformed values, aborts the whole process), which tells a person nothing.
Here every problem becomes a :class:`GGUFError` whose message says what is
wrong with the file and what to do about it.

- :mod:`.format`: the format's numbers (value and tensor types, quantisation names);
- :mod:`.info`: :class:`GGUFInfo`, what a header says, and :class:`GGUFError`;
- :mod:`.reader`: :func:`read_gguf`, which reads and checks a header.

Pure standard library on purpose: this is the core layer (no Qt, no numpy,
no llama_cpp), so it can run and be tested anywhere.
"""

from app.core.gguf.format import GGML_TYPES, LLAMA_FTYPE_NAMES
from app.core.gguf.info import GGUFArraySummary, GGUFError, GGUFInfo, GGUFTextSummary
from app.core.gguf.reader import read_gguf

__all__ = [
    "GGML_TYPES",
    "GGUFArraySummary",
    "GGUFError",
    "GGUFInfo",
    "GGUFTextSummary",
    "LLAMA_FTYPE_NAMES",
    "read_gguf",
]
