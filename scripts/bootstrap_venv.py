"""Create the project's virtual environment with pip in it.

`python3 -m venv` needs ensurepip, which Debian ships separately (python3.11-venv).
When it is missing we create the environment without pip and install pip from its
wheel on PyPI, so a fresh machine needs nothing but python3.11, make and git.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import venv
from pathlib import Path


def has_pip(target: Path) -> bool:
    return (target / "bin" / "pip").exists()


def install_pip_from_pypi(target: Path) -> None:
    index = os.getenv("PYPI_JSON_URL", "https://pypi.org/pypi/pip/json")
    with urllib.request.urlopen(index, timeout=60) as response:
        release = json.load(response)
    wheel = next(u for u in release["urls"] if u["packagetype"] == "bdist_wheel")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / wheel["filename"]
        # Mirrors may answer with a URL relative to the JSON document.
        urllib.request.urlretrieve(urllib.parse.urljoin(index, wheel["url"]), path)
        python = str(target / "bin" / "python")
        # A wheel is a zip that Python can import pip from, to install pip itself.
        subprocess.check_call([python, f"{path}/pip", "install", "--quiet", str(path)])


def main() -> int:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".venv")
    if sys.version_info[:2] != (3, 11):
        print(f"需要 Python 3.11，当前是 {sys.version.split()[0]}。", file=sys.stderr)
        return 1
    if has_pip(target):
        return 0
    try:
        venv.create(target, with_pip=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"ensurepip unavailable ({exc}); installing pip from PyPI", file=sys.stderr)
        venv.create(target, with_pip=False, clear=True)
    if not has_pip(target):
        install_pip_from_pypi(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
