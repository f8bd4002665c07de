"""Extraction: the only package that imports spaCy. Documents in, plain DocExtractions out."""
from __future__ import annotations

from .mentions import extract, extract_document
from .pipeline import build_nlp

__all__ = ["build_nlp", "extract", "extract_document"]
