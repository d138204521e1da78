#!/usr/bin/env bash
# Builds the Python package (one release build of the extension) into a new
# virtual environment in a temporary directory, installs the test
# dependencies there from PyPI, and runs the tests. Runs from any directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
# Python puts the working directory on sys.path for -m: work from ours.
cd "$here"

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# pip builds the wheel with maturin (fetched by build isolation), release
# profile, abi3.
"$venv/bin/python" -m pip install --quiet .
"$venv/bin/python" -m pip install --quiet pytest opentelemetry-sdk langsmith
# The source package is under python/, not on sys.path: the tests import
# the installed one.
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests
