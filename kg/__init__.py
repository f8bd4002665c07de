"""kg: a knowledge graph of models, datasets and methods from ML paper abstracts, with evidence."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The notebook API (kg/api.py), imported on first use: `import kg` stays light for the CLI,
# which would otherwise pay about 0.6 s of NetworkX import before parsing its options (PEP 562).
_API = ("entity_table", "evidence", "find_entities", "graph_from_files", "graph_from_texts",
        "load_graph", "relation_table", "sparql")

if TYPE_CHECKING:
    from .api import (
        entity_table, evidence, find_entities, graph_from_files, graph_from_texts, load_graph,
        relation_table, sparql,
    )


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
