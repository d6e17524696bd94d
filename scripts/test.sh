#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole test suite; extra arguments go to pytest.
# Exits with pytest's status, except that "no tests collected" (5) is reported and counts as 0.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

# No screen needed: Qt draws offscreen (tests/conftest.py sets it too).
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export PYTHONDONTWRITEBYTECODE=1

status=0
.venv/bin/python -m pytest -ra "$@" </dev/null || status=$?
if [ "$status" -eq 5 ]; then
  echo "test.sh: pytest collected no tests" >&2
  status=0
fi
exit "$status"
