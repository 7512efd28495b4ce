"""The legal vocabulary: jurisdictions, practice areas, topics, difficulties and sample types.

Everything here is loaded from the JSON files in ``data/`` so that adding a topic or changing a
difficulty spec is a data change, not a code change. The catalog is immutable after loading; callers
get it through :func:`get_catalog`, which caches one instance per process.
"""

from legal_training.catalog.models import (
    Catalog,
    CatalogError,
    Difficulty,
    Jurisdiction,
    SampleType,
    Topic,
    get_catalog,
)

__all__ = [
    "Catalog",
    "CatalogError",
    "Difficulty",
    "Jurisdiction",
    "SampleType",
    "Topic",
    "get_catalog",
]
