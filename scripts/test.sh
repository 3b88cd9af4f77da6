#!/usr/bin/env bash
# The whole test suite, twice: on SQLite, then on PostgreSQL in a throw-away cluster
# that this script starts itself (initdb into a temporary folder) when the
# PostgreSQL binaries are on the machine.
#
# Browser tests (marker `browser`) run in the SQLite pass only: pages do not depend
# on the database vendor, and that halves the slowest part of the suite.
# Locally, a missing PostgreSQL or Chromium is skipped with a visible summary line;
# with CI=true it is a failure.
#
# Extra arguments go to pytest: scripts/test.sh -k workdays
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=".venv/bin/pytest"
# Both cores (pytest-xdist): each worker has its own test database (…_gw0, …_gw1).
WORKERS="${WSM_TEST_WORKERS:-auto}"
CI="${CI:-false}"
summary=()
status=0

work=$(mktemp -d -t wsm-test-XXXXXX)
cleanup() {
  if [ -n "${PGDATA_DIR:-}" ] && [ -f "$PGDATA_DIR/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

run_pytest() {  # label, then pytest arguments
  local label="$1"; shift
  echo "== $label"
  "$PYTEST" "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then rc=0; fi   # "no tests collected" for a filtered run
  if [ $rc -eq 0 ]; then summary+=("$label: passed"); else summary+=("$label: FAILED (exit $rc)"); status=1; fi
}

# --- 1. SQLite ---------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  if [ "$CI" = "true" ]; then
    summary+=("browser tests: FAILED — /usr/bin/chromium is missing (apt-get install chromium)"); status=1
  else
    summary+=("browser tests: SKIPPED — /usr/bin/chromium is missing (apt-get install chromium)")
  fi
fi
TEST_SQLITE_PATH="$work/test.sqlite3" run_pytest "SQLite" -n "$WORKERS" --durations=20 "$@"

# --- 1b. SQLite at a second date ---------------------------------------------------
# Every test starts at the suite's pinned moment (WSM_TEST_NOW, default in
# common/testing.py). The tests that read "today" — the calendar and deadlines, demo data,
# dashboards, reviews and appraisal quarters, worklists and sweeps — again, without the
# browser, with the clock on the first working day after the National Day holiday and the
# first of a quarter: they must hold on any date. (`WSM_TEST_NOW=… make test-sqlite` runs
# everything at any moment.)
SECOND_DATE="${WSM_TEST_NOW_SECOND:-2026-10-08T09:30:00+08:00}"
DATED=(workdays cases appraisal reports common/tests/test_periods.py
       complaints/tests/test_time_limits.py complaints/tests/test_pages.py
       supervision/tests/test_demo.py supervision/tests/test_pages.py
       ratings/tests/test_callbacks_surveys.py org/tests/test_commands.py)
if [ $# -eq 0 ]; then
  WSM_TEST_NOW="$SECOND_DATE" TEST_SQLITE_PATH="$work/test2.sqlite3" \
    run_pytest "SQLite at $SECOND_DATE" -q -n "$WORKERS" -m "not browser" "${DATED[@]}"
fi

# --- 2. PostgreSQL -----------------------------------------------------------
find_pg_bin() {
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

# initdb and postgres refuse to run as root: run them as an unprivileged user.
PG_USER=""
if [ "$(id -u)" = "0" ]; then
  if id postgres >/dev/null 2>&1; then PG_USER=postgres; else PG_USER=nobody; fi
fi
as_pg() {
  if [ -n "$PG_USER" ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

PG_BIN=$(find_pg_bin)
if [ -z "$PG_BIN" ]; then
  if [ "$CI" = "true" ]; then
    summary+=("PostgreSQL: FAILED — initdb not found (apt-get install postgresql)"); status=1
  else
    summary+=("PostgreSQL: SKIPPED — initdb not found (apt-get install postgresql)")
  fi
else
  PGDATA_DIR="$work/pgdata"
  mkdir -p "$PGDATA_DIR"
  [ -n "$PG_USER" ] && chown -R "$PG_USER" "$work"
  chmod 755 "$work"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
     && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$work/pg.log" -w \
          -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
          start >/dev/null; then
    DATABASE_URL="postgres://postgres@127.0.0.1:$port/wsm" run_pytest "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}')" -n "$WORKERS" -m "not browser" --durations=20 "$@"
  else
    cat "$work/initdb.log" "$work/pg.log" 2>/dev/null | tail -20
    summary+=("PostgreSQL: FAILED — could not start a throw-away cluster"); status=1
  fi
fi

echo
echo "== Summary"
for line in "${summary[@]}"; do echo "  $line"; done
exit $status
