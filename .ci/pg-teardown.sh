#!/usr/bin/env bash
# Stops the throwaway PostgreSQL cluster started by .ci/pg-setup.sh and removes its directory.
# Idempotent: does nothing when no cluster is recorded.
set -euo pipefail

state_file=${VOLLEY_PG_STATE:-/tmp/volley-pg.current}
[ -f "$state_file" ] || exit 0

work_dir=$(head -n 1 "$state_file")
bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

if [ -n "$work_dir" ] && [ -d "$work_dir" ]; then
  # The state file names a directory this script family created; refuse anything else.
  case "$work_dir" in
  /tmp/volley-pg.*) ;;
  *)
    echo "pg-teardown: refusing to remove unexpected directory $work_dir" >&2
    exit 1
    ;;
  esac
  if [ -n "$bin_dir" ] && [ -d "$work_dir/data" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- "$bin_dir/pg_ctl" -D "$work_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    else
      "$bin_dir/pg_ctl" -D "$work_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$work_dir"
  echo "pg-teardown: stopped and removed $work_dir" >&2
fi
rm -f "$state_file"
