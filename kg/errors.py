"""kg's exceptions. The CLI turns each into one line "Error: ..." on stderr."""
from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg reports to users."""


class InputError(KGError):
    """Bad input, located by file and line: str() is "path:line: message" (or "path: message")."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class ExportError(KGError):
    """An output could not be written."""
