#!/usr/bin/env bash
# Run every benchmarks/bench_*.py with the project's venv and print what each prints.
# Benchmarks print numbers; they do not fail the build. Exit status: 1 if any crashed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || { echo "benchmarks: no $PY; run scripts/setup.sh first" >&2; exit 1; }
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
failed=0
for b in benchmarks/bench_*.py; do
  echo "== $b"
  if ! "$PY" "$b" "$@" </dev/null; then
    echo "!! $b exited with status $?" >&2
    failed=1
  fi
  echo
done
exit "$failed"
