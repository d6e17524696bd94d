#!/usr/bin/env bash
# Build the iijdesk desktop binaries from a clean checkout.
#
#   packaging/build.sh            # onedir + onefile
#   packaging/build.sh onedir     # only the onedir build (fast start; what the tests use)
#   packaging/build.sh onefile    # only the single-file build
#
# Output (see docs/packaging.md):
#   dist/iijdesk/iijdesk[.exe]        onedir: the folder to ship/zip; run the executable inside
#   dist/iijdesk-onefile[.exe]        onefile: one self-extracting executable
#   (macOS: dist/iijdesk.app as well)
#
# Python: $PYTHON if set, else ./.venv if it exists, else a fresh build venv in
# build/venv with the app and PyInstaller installed from pyproject.toml.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WHAT="${1:-all}"
case "$WHAT" in all|onedir|onefile) ;; *) echo "usage: $0 [all|onedir|onefile]" >&2; exit 2 ;; esac

# Linux: bundle a numpy built without BLAS. The numpy wheels carry OpenBLAS (25 MB) and gfortran
# for linear algebra the app never does; built from source with numpy's own fallback routines,
# the bundle is ~28 MB smaller. The build venv (build/venv-bundle) is made once; pip keeps the
# built numpy wheel in its cache, so later builds take seconds. IIJDESK_BUNDLE_NUMPY=wheel (or
# PYTHON=...) builds with the ordinary numpy instead; so does a machine where compiling fails.
bundle_venv() {
    local v=build/venv-bundle base stamp
    stamp="$(cksum < pyproject.toml) noblas"
    if [[ -x "$v/bin/python" && -f "$v/.stamp" && "$(cat "$v/.stamp")" == "$stamp" ]]; then
        PY="$v/bin/python"; return 0
    fi
    base="$(command -v python3)"
    if [[ -x .venv/bin/python ]]; then base="$(.venv/bin/python -c 'import sys; print(sys._base_executable)')"; fi
    if ! command -v g++ >/dev/null && [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++ </dev/null || true
    fi
    echo "== build venv $v: numpy without BLAS (compiled once, a few minutes on 2 cores)"
    rm -rf "$v"
    "$base" -m venv "$v" || return 1
    "$v/bin/python" -m pip install -q --no-binary numpy numpy -Csetup-args=-Dallow-noblas=true \
        -Csetup-args=-Dblas=none -Csetup-args=-Dlapack=none || return 1
    "$v/bin/python" -m pip install -q -e ".[gui,build]" || return 1
    printf '%s' "$stamp" > "$v/.stamp"
    PY="$v/bin/python"
}

if [[ -n "${PYTHON:-}" ]]; then
    PY="$PYTHON"
elif [[ "$(uname -s)" == Linux && "${IIJDESK_BUNDLE_NUMPY:-noblas}" != wheel ]] \
        && { bundle_venv || { echo "== could not build numpy without BLAS: bundling the numpy wheel"; false; }; }; then
    :
elif [[ -x .venv/bin/python ]]; then
    PY=.venv/bin/python
elif [[ -x .venv/Scripts/python.exe ]]; then
    PY=.venv/Scripts/python.exe
else
    echo "== creating build venv in build/venv"
    BASE_PY="$(command -v python3 || command -v python)"
    "$BASE_PY" -m venv build/venv
    if [[ -x build/venv/bin/python ]]; then PY=build/venv/bin/python; else PY=build/venv/Scripts/python.exe; fi
    "$PY" -m pip install --upgrade pip
    "$PY" -m pip install ".[gui,build]"
fi

VERSION="$("$PY" -c 'import iijdesk; print(iijdesk.__version__)')"
echo "== iijdesk $VERSION with $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])')"

# Icons are generated from a script so they can change with one edit; build them if missing.
if [[ ! -f resources/icons/iijdesk.png || ! -f resources/icons/iijdesk.ico || ! -f resources/icons/iijdesk.icns ]]; then
    QT_QPA_PLATFORM=offscreen "$PY" packaging/make_icons.py
fi

# Linux: the ICU data subset (packaging/icu_subset.py) needs icupkg and genccode (icu-devtools)
# and a C compiler driver. Installed here on Debian when run as root; otherwise the spec bundles
# the full ICU data and says so.
if [[ "$(uname -s)" == Linux ]] && { ! command -v icupkg >/dev/null || ! command -v genccode >/dev/null \
        || ! command -v cc >/dev/null; }; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "== installing icu-devtools and gcc (for the ICU data subset)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends icu-devtools gcc </dev/null; } \
            || echo "== could not install them: the full ICU data will be bundled"
    fi
fi

EXE=""
case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) EXE=".exe" ;; esac

build() {  # $1 = onedir|onefile
    local mode="$1" extra=()
    [[ "$mode" == onefile ]] && extra=(-- --onefile)
    echo "== building $mode"
    local t0=$SECONDS
    "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "build/pyinstaller/dist-$mode" --workpath "build/pyinstaller/work-$mode" \
        packaging/iijdesk.spec "${extra[@]}"
    mkdir -p dist
    if [[ "$mode" == onedir ]]; then
        rm -rf "dist/iijdesk"
        mv "build/pyinstaller/dist-onedir/iijdesk" "dist/iijdesk"
        [[ -d "build/pyinstaller/dist-onedir/iijdesk.app" ]] && { rm -rf dist/iijdesk.app; mv "build/pyinstaller/dist-onedir/iijdesk.app" dist/; }
    else
        rm -f "dist/iijdesk-onefile$EXE"
        mv "build/pyinstaller/dist-onefile/iijdesk$EXE" "dist/iijdesk-onefile$EXE"
    fi
    echo "== $mode built in $((SECONDS - t0)) s"
}

[[ "$WHAT" == all || "$WHAT" == onedir ]] && build onedir
[[ "$WHAT" == all || "$WHAT" == onefile ]] && build onefile

# Smoke test: the binaries import the bundled sample, check it and export a workbook.
selftest() {  # $1 = executable
    local dir="$ROOT/build/selftest" tdir out rc=0
    mkdir -p "$dir" && rm -f "$dir/iijdesk-selftest.log"
    tdir="$dir"; command -v cygpath >/dev/null && tdir="$(cygpath -w "$dir")"
    out="$(TMPDIR="$tdir" "$1" --selftest)" || rc=$?
    # a windowed build on Windows has no console: show the log it writes instead
    if [[ -n "$out" ]]; then echo "$out"; else cat "$dir/iijdesk-selftest.log" 2>/dev/null || echo "(no selftest output)"; fi
    return $rc
}
if [[ "${IIJDESK_SKIP_SELFTEST:-0}" != 1 ]]; then
    [[ "$WHAT" != onefile ]] && { echo "== selftest onedir"; selftest "dist/iijdesk/iijdesk$EXE"; }
    [[ "$WHAT" != onedir ]] && { echo "== selftest onefile"; selftest "dist/iijdesk-onefile$EXE"; }
fi
summary=""
[[ -d dist/iijdesk ]] && summary+=" onedir dist/iijdesk/ ($(du -sh dist/iijdesk | cut -f1))"
[[ -f "dist/iijdesk-onefile$EXE" ]] && summary+=" onefile dist/iijdesk-onefile$EXE ($(du -sh "dist/iijdesk-onefile$EXE" | cut -f1))"
echo "== done:$summary"
