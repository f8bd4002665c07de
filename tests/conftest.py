"""Shared fixtures: kg's pipeline built once per session, and a blank English pipeline."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from kg.extract import build_nlp


@pytest.fixture(scope="session")
def nlp():
    return build_nlp()


@pytest.fixture(scope="session")
def blank_nlp():
    return spacy.blank("en")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(__file__).parent / "data"
