"""The numbers of the GGUF format: its signature and versions, metadata value
types, ggml tensor types with their block sizes, and llama.cpp's names of
quantisation types.

Format reference: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
(little-endian; versions 2 and 3 share one layout).
"""

from __future__ import annotations

import struct
from typing import Final

MAGIC: Final = b"GGUF"
SUPPORTED_VERSIONS: Final = (2, 3)
DEFAULT_ALIGNMENT: Final = 32
ALIGNMENT_KEY: Final = "general.alignment"
MAX_DIMS: Final = 4  # GGML_MAX_DIMS; llama.cpp rejects tensors with more.

# Metadata value types (enum gguf_type).
T_UINT8: Final = 0
T_INT8: Final = 1
T_UINT16: Final = 2
T_INT16: Final = 3
T_UINT32: Final = 4
T_INT32: Final = 5
T_FLOAT32: Final = 6
T_BOOL: Final = 7
T_STRING: Final = 8
T_ARRAY: Final = 9
T_UINT64: Final = 10
T_INT64: Final = 11
T_FLOAT64: Final = 12

VALUE_TYPE_NAMES: Final[dict[int, str]] = {
    T_UINT8: "UINT8",
    T_INT8: "INT8",
    T_UINT16: "UINT16",
    T_INT16: "INT16",
    T_UINT32: "UINT32",
    T_INT32: "INT32",
    T_FLOAT32: "FLOAT32",
    T_BOOL: "BOOL",
    T_STRING: "STRING",
    T_ARRAY: "ARRAY",
    T_UINT64: "UINT64",
    T_INT64: "INT64",
    T_FLOAT64: "FLOAT64",
}

# struct format character of each fixed-size value type. BOOL is one byte,
# read as an integer so that any non-zero byte means True.
SCALAR_CODES: Final[dict[int, str]] = {
    T_UINT8: "B",
    T_INT8: "b",
    T_UINT16: "H",
    T_INT16: "h",
    T_UINT32: "I",
    T_INT32: "i",
    T_FLOAT32: "f",
    T_BOOL: "B",
    T_UINT64: "Q",
    T_INT64: "q",
    T_FLOAT64: "d",
}
SCALARS: Final[dict[int, struct.Struct]] = {
    t: struct.Struct("<" + code) for t, code in SCALAR_CODES.items()
}

# ggml tensor types: id -> (name, elements per block, bytes per block).
# Ids checked against `enum ggml_type` in ggml/include/ggml.h (llama.cpp
# master): 4 and 5 (Q4_2, Q4_3), 31-33 (Q4_0_4_4, Q4_0_4_8, Q4_0_8_8) and
# 36-38 (IQ4_NL_4_4, ...) were removed and are rejected like unknown ids, as
# llama.cpp does. Block sizes match gguf-py's GGML_QUANT_SIZES.
# Less certain: 40-42 (NVFP4, Q1_0, Q2_0) are recent additions, taken from
# secondary sources (gguf-py constants of forks, downstream headers); an
# older llama.cpp build will refuse files that use them anyway.
GGML_TYPES: Final[dict[int, tuple[str, int, int]]] = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    9: ("Q8_1", 32, 36),
    10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210),
    15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66),
    17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18),
    21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82),
    23: ("IQ4_XS", 256, 136),
    24: ("I8", 1, 1),
    25: ("I16", 1, 2),
    26: ("I32", 1, 4),
    27: ("I64", 1, 8),
    28: ("F64", 1, 8),
    29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2),
    34: ("TQ1_0", 256, 54),
    35: ("TQ2_0", 256, 66),
    39: ("MXFP4", 32, 17),
    40: ("NVFP4", 64, 36),
    41: ("Q1_0", 128, 18),
    42: ("Q2_0", 64, 18),
}

# `general.file_type` values: `enum llama_ftype` in llama.cpp's include/llama.h
# (not ggml's own ggml_ftype, which numbers differently). 5 and 6 (Q4_2,
# Q4_3) were removed long ago; 33-35 (Q4_0_4_4, ...) were removed but old
# files may still carry them, so they keep their names here. 39-41 are
# recent; see the note on GGML_TYPES.
LLAMA_FTYPE_NAMES: Final[dict[int, str]] = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    4: "Q4_1_SOME_F16",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    33: "Q4_0_4_4",
    34: "Q4_0_4_8",
    35: "Q4_0_8_8",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
    39: "NVFP4",
    40: "Q1_0",
    41: "Q2_0",
}
