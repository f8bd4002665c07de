#!/usr/bin/env python3
"""Set-up and run kg on a machine that has only Python 3.

    python3 tasks.py build [kg build options]   # create/reuse .venv, install kg, build output/ from seeds/
    python3 tasks.py test  [pytest options]     # create/reuse .venv, install test extras, run the tests

The virtual environment is reinstalled only when pyproject.toml changes.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXTRAS = {"build": "", "test": "[test,notebooks]"}


def ensure_venv(extras: str) -> None:
    """Create .venv if missing and (re)install kg when pyproject.toml or the extras changed."""
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".kg-installed{extras.strip('[]').replace(',', '-')}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing kg{extras} into .venv ...", file=sys.stderr)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "-e", f"{ROOT}{extras}"], check=True)
    stamp.write_text(wanted)


def ensure_chromium() -> None:
    """The browser tests need Debian's chromium; install it with apt-get when we are root and it is missing."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Installing Debian's chromium for the browser tests ...", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
    else:
        print("chromium is not installed: the browser tests will be skipped.", file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_venv(EXTRAS[command])
    if command == "build":
        return subprocess.call([str(BIN / "kg"), "build", *rest], cwd=ROOT)
    ensure_chromium()
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
