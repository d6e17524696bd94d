#!/usr/bin/env bash
# Set up a machine to run iijdesk and its tests; safe to run again (does only what is missing).
#
#  1. Debian packages the Qt window and the tests need (Qt's xcb/offscreen plugins load libEGL,
#     libGL, xkbcommon, fontconfig, dbus; Xvfb for screenshots; LibreOffice to recalculate the
#     exported workbooks; icu-devtools and gcc to build the binary's smaller ICU data). Installed with apt-get only when missing and when running as root
#     (or with password-less sudo); otherwise the missing ones are listed and set-up goes on.
#  2. A virtual environment in .venv (python3 -m venv) with iijdesk installed editable with its
#     gui, test and build extras. pip runs again only when pyproject.toml changed.
#
# Environment: PYTHON (interpreter for the venv, default python3 >= 3.11),
#              IIJDESK_SKIP_APT=1 (never call apt-get), IIJDESK_SKIP_LIBREOFFICE=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf 'setup: %s\n' "$*" >&2; }

# -- 1. Debian packages ----------------------------------------------------------------------
DEB_PACKAGES=(
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libx11-xcb1 libxcb1 libxrender1 libxi6 libsm6 libice6 libpng16-16 libgssapi-krb5-2
  libxcb-glx0 libxcb-render0 libxcb-shm0 libxcb-sync1 libxcb-util1
  xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-shape0 libxcb-render-util0
  libxcb-image0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0
  fonts-dejavu-core imagemagick
  icu-devtools gcc
)

deb_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_debs() {
  local missing=() p
  for p in "$@"; do deb_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      say "not root: please install these Debian packages yourself: ${missing[*]}"
      return 0
    fi
  fi
  if [ -z "${_APT_UPDATED:-}" ]; then
    say "apt-get update"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || say "apt-get update failed; trying the install anyway"
    _APT_UPDATED=1
  fi
  say "apt-get install ${missing[*]}"
  if ! apt_install "${missing[@]}"; then
    # One name unknown to this release must not keep the others out: try them one by one.
    for p in "${missing[@]}"; do
      apt_install "$p" || say "WARNING: could not install $p (tests that need it will fail)"
    done
  fi
}

apt_install() {
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "$@" </dev/null
}

if [ "${IIJDESK_SKIP_APT:-}" != 1 ] && command -v apt-get >/dev/null 2>&1 \
   && command -v dpkg-query >/dev/null 2>&1; then
  install_debs "${DEB_PACKAGES[@]}"
  # LibreOffice recalculates exported workbooks in the export tests (Calc) and prints the real
  # filings to PDF for the PDF-reading tests (Writer). Large: skipped with IIJDESK_SKIP_LIBREOFFICE=1.
  if [ "${IIJDESK_SKIP_LIBREOFFICE:-}" != 1 ]; then
    install_debs libreoffice-calc-nogui libreoffice-writer-nogui
  fi
fi

# -- 2. Python virtual environment -------------------------------------------------------------
py_ok() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

if [ ! -x .venv/bin/python ]; then
  PY="${PYTHON:-}"
  if [ -z "$PY" ]; then
    for cand in python3 python3.13 python3.12 python3.11; do
      if command -v "$cand" >/dev/null 2>&1 && py_ok "$cand"; then PY="$cand"; break; fi
    done
  fi
  if [ -z "$PY" ] || ! py_ok "$PY"; then
    say "ERROR: need Python >= 3.11 with the venv module (Debian: apt-get install python3 python3-venv)"
    exit 1
  fi
  say "creating .venv with $("$PY" --version 2>&1)"
  rm -rf .venv
  if ! "$PY" -m venv .venv; then
    # Debian's python3 splits ensurepip into python3-venv.
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && install_debs python3-venv
    rm -rf .venv
    "$PY" -m venv .venv
  fi
fi

STAMP=.venv/.iijdesk-installed
want="$(cat pyproject.toml | cksum) $ROOT"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ] \
   || ! .venv/bin/python -c 'import iijdesk, pandas, pytest' >/dev/null 2>&1; then
  say "pip install -e '.[gui,test,build]'"
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
  .venv/bin/python -m pip install --progress-bar off -q -e '.[gui,test,build]'
  printf '%s' "$want" > "$STAMP"
fi
say "ready ($(.venv/bin/python --version 2>&1) in $ROOT/.venv)"
