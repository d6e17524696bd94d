#!/usr/bin/env bash
# Set up (scripts/setup.sh) and start iijdesk; arguments go to `python -m iijdesk`
# (no arguments: the window; `extract|check|export FILE... -o OUT`: the command line).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

PY=.venv/bin/python
case "${1:-}" in
  extract|check|export|-h|--help|--version) exec "$PY" -m iijdesk "$@" ;;
esac

if ! "$PY" -c 'import iijdesk.gui.app' >/dev/null 2>&1; then
  # The window is not built yet: show what the core does on the sample releases instead.
  mkdir -p out
  echo "run-app: the window is not available yet; extracting the sample releases instead" >&2
  exec "$PY" -m iijdesk extract "$ROOT"/tests/data/releases/*.txt -o out/facts.csv --force
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ] \
   && [ "$(uname -s)" = Linux ]; then
  if command -v xvfb-run >/dev/null 2>&1; then
    echo "run-app: no display found; starting the window on a virtual screen (xvfb-run)" >&2
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$PY" -m iijdesk "$@"
  fi
  echo "run-app: no display found; starting the window offscreen" >&2
  export QT_QPA_PLATFORM=offscreen
fi
exec "$PY" -m iijdesk "$@"
