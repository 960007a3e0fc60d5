#!/usr/bin/env bash
# Install everything Transplant Planner needs, then open the demo clinic or run the tests.
#
#   bash tools/bootstrap.sh demo    install, then open the desktop app on the demo clinic
#   bash tools/bootstrap.sh test    install (with developer tools), then lint, type-check
#                                   and run the whole test suite
#
# Safe to run again: it installs only what is missing. As root on Debian it also
# installs the system libraries Qt needs (never runs apt-get clean: a warm apt
# cache is what makes fresh machines fast).
set -euo pipefail

mode="${1:-}"
case "$mode" in demo|test) ;; *) echo "usage: bash tools/bootstrap.sh demo|test" >&2; exit 2;; esac
cd "$(dirname "$0")/.."
root="$(pwd)"

# --- system packages (Debian/Ubuntu, only when root and only what is missing) -------------
sys_pkgs=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
          libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
          libxcb-render-util0 libxcb-shape0 libxcb-xkb1 poppler-utils qpdf)
[ "$mode" = test ] && sys_pkgs+=(xvfb xauth postgresql)
if command -v dpkg-query >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=()
  for p in "${sys_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# --- Python environment ----------------------------------------------------------------------
python_bin="${PYTHON:-python3}"
new_enough='import sys; sys.exit(sys.version_info < (3, 11))'
if ! command -v "$python_bin" >/dev/null 2>&1 || ! "$python_bin" -c "$new_enough" 2>/dev/null; then
  echo "Transplant Planner needs Python 3.11 or newer; '$python_bin' is not (set PYTHON=/path/to/python3.11)." >&2
  exit 2
fi
if ! "$python_bin" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "'$python_bin' has no venv module: install it (python3-venv on Debian/Ubuntu) and run this again." >&2
  exit 2
fi
# A .venv left by an earlier run with another Python, or half-built, is rebuilt, not reused.
if [ -e .venv ] && ! .venv/bin/python -c "$new_enough" 2>/dev/null; then
  echo "Rebuilding .venv (it is broken or uses a Python older than 3.11)."
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check uv
fi
extras=".[postgres]"
[ "$mode" = test ] && extras=".[dev,postgres,bundle]"
# uv must trust the system certificate store (TLS may pass through a proxy certificate).
# --compile-bytecode matters: PYTHONDONTWRITEBYTECODE is common here and start-up is
# three times slower when every import recompiles.
UV_SYSTEM_CERTS=1 .venv/bin/uv pip install --quiet --python .venv/bin/python \
  --compile-bytecode -e "$extras"
# The editable project itself is not covered by --compile-bytecode, nor are packages an
# earlier install left in place (uv only compiles what it installs). Without byte code a
# start compiles SQLAlchemy and the rest from source in the loading thread, holding the
# interpreter lock: the window stalls. Up-to-date files are skipped; a few files of the
# packages' own tests do not compile under this Python, hence "|| true".
site="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
.venv/bin/python -m compileall -q -j 0 "$site" >/dev/null 2>&1 || true
.venv/bin/python -m compileall -q -j 0 planner ui resources main.py >/dev/null
# The interface translations (.ts in git, .qm built here; ui/translation.py).
.venv/bin/python tools/build_translations.py >/dev/null

if [ "$mode" = demo ]; then
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "No display found: run this from a desktop session, or under 'xvfb-run -a'." >&2
    exit 1
  fi
  exec .venv/bin/transplant-planner --demo
fi

# --- tests -----------------------------------------------------------------------------------
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

# A throwaway PostgreSQL server for the shared-server tests (skipped, and said so, when
# no PostgreSQL is installed). initdb refuses root, so the cluster belongs to "postgres".
start_postgres() {
  # Globals on purpose: the EXIT trap runs after this function has returned.
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$PG_BIN" ] && [ -z "${PLANNER_TEST_DATABASE_URL:-}" ] || return 0
  PG_DIR="$(mktemp -d /tmp/tp-pg.XXXXXX)"
  PG_PORT=54329
  PG_AS=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -E UTF8 --no-sync -U postgres >/dev/null
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=''" start >/dev/null
  trap 'stop_postgres' EXIT
  "${PG_AS[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres planner_test
  export PLANNER_TEST_DATABASE_URL="postgresql+psycopg://postgres@/planner_test?host=$PG_DIR&port=$PG_PORT"
  echo "PostgreSQL test server on $PG_DIR:$PG_PORT"
}
stop_postgres() {
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
start_postgres || echo "PostgreSQL not started; its tests will be reported as skipped" >&2
echo "== ruff";          .venv/bin/ruff check .
echo "== ruff format"; .venv/bin/ruff format --check .
echo "== mypy";          .venv/bin/mypy
echo "== import-linter"; .venv/bin/lint-imports --no-cache
echo "== pytest"
set +e
.venv/bin/python -m pytest -q "${@:2}"
status=$?
set -e
# pytest exits 5 when it collected nothing: that is a failure here, not a pass.
[ "$status" = 5 ] && echo "pytest collected no tests" >&2
# The one-folder bundle (README, "Deploying in a clinic"): built and started, only for
# the whole suite (no pytest arguments), as CI runs it. About two minutes on 2 cores.
if [ "$#" -le 1 ]; then
  echo "== bundle"
  if ! .venv/bin/python tools/check_bundle.py; then
    [ "$status" != 0 ] || status=1
  fi
fi
exit "$status"
