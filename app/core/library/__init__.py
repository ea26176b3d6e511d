"""The model library: models to download, models on this computer, and whether they fit.

The Models page needs three things, all answered here without Qt or llama.cpp:

* the curated catalog of models Inkwell offers to download
  (``models/catalog.toml``, :func:`load_catalog`; :mod:`.catalog`);
* the GGUF files already on this computer, in Inkwell's own models folder,
  folders the person added, and the caches of other local-LLM apps
  (Hugging Face, LM Studio, GPT4All) — :func:`default_search_folders` and
  :func:`discover` (:mod:`.discovery`);
* whether a model fits in this computer's memory, in words
  (:func:`fit_label`, :func:`model_fit`, :func:`catalog_fit`; :mod:`.fit`).

:mod:`.split_models` knows llama.cpp's names for the parts of a split model.
"""

from app.core.library.catalog import CATALOG_GOOD_FOR, CatalogEntry, default_catalog_path, load_catalog
from app.core.library.discovery import (
    SOURCES,
    ModelFile,
    default_search_folders,
    discover,
    huggingface_cache,
    model_problem,
)
from app.core.library.fit import (
    CATALOG_SIZE_FACTOR,
    FIT_CONTEXT,
    FIT_FRACTION,
    FIT_TEXT,
    KV_BYTES_PER_TOKEN_PER_BILLION,
    Fit,
    catalog_fit,
    fit_label,
    format_size,
    model_fit,
)
from app.core.library.split_models import split_part

__all__ = [
    "CATALOG_GOOD_FOR",
    "CATALOG_SIZE_FACTOR",
    "CatalogEntry",
    "FIT_CONTEXT",
    "FIT_FRACTION",
    "FIT_TEXT",
    "Fit",
    "KV_BYTES_PER_TOKEN_PER_BILLION",
    "ModelFile",
    "SOURCES",
    "catalog_fit",
    "default_catalog_path",
    "default_search_folders",
    "discover",
    "fit_label",
    "format_size",
    "huggingface_cache",
    "load_catalog",
    "model_fit",
    "model_problem",
    "split_part",
]
