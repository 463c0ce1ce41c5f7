#!/usr/bin/env bash
# Creates the Python reference environment in .venv-ref at the package root (kept out of git).
# The Swift tests never need it: it only regenerates the committed fixtures.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/.venv-ref"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r "$root/Tests/Reference/requirements.txt"
"$venv/bin/pip" install -q --no-deps controlnet_aux==0.0.10
echo "reference env ready: $venv/bin/python"
