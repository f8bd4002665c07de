"""kg: a knowledge graph of models, datasets and methods from ML paper abstracts, with evidence."""
from __future__ import annotations

__version__ = "0.1.0"
