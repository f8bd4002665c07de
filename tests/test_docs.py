"""The documentation is tested too: every command has help text and appears in the README."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import make_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> dict:
    parser = make_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("name", sorted(_commands()))
def test_docs_command_has_help_and_readme_section(name):
    sub = _commands()[name]
    assert sub.description, f"kg {name} has no description"
    assert f"kg {name}" in README, f"README does not show `kg {name}`"


def test_docs_readme_has_the_two_setup_commands():
    assert "python3 tasks.py build" in README
    assert "python3 tasks.py test" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in ci
