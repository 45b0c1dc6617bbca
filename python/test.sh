#!/usr/bin/env bash
# The Python package's tests (python/tests) against the built uptake. Installs the
# package (editable, with its [ema] and [test] extras: pandas, ema_workbench, pytest)
# from PyPI into bench/.venv-python (git-ignored); the install is redone only when
# python/pyproject.toml changes. Arguments go to pytest (e.g. -k ema).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=bench/.venv-python
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
STAMP="$VENV/.installed-pyproject"
WANT="$(sha256sum python/pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check -e 'python[ema,test]'
  echo "$WANT" > "$STAMP"
fi
UPTAKE="${UPTAKE:-.build/debug/uptake}"
[ -x "$UPTAKE" ] || swift build --product uptake
UPTAKE="$(realpath "$UPTAKE")" "$VENV/bin/python" -m pytest -q -p no:cacheprovider python/tests "$@"
