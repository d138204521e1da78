#!/usr/bin/env bash
# Builds the Python package (one release build of the extension) into a new
# virtual environment in a temporary directory, installs the test
# dependencies there from PyPI, and runs the tests. Runs from any directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# pip builds the wheel with maturin (fetched by build isolation), release
# profile, abi3.
"$venv/bin/python" -m pip install --quiet "$here"
"$venv/bin/python" -m pip install --quiet pytest opentelemetry-sdk langsmith
# From the tests' folder: the installed package is imported, not the source.
cd "$here"
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests
