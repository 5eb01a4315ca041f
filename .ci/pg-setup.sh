#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the demo tests (volley demo --db postgres://…).
# Idempotent: a cluster started earlier and still running is reused. Installs Debian's postgresql if missing
# (needs root). Progress goes to stderr; the last line on stdout is VOLLEY_TEST_PG=postgres://…
# Stop and remove it with .ci/pg-teardown.sh. The state file location can be moved with VOLLEY_PG_STATE.
set -euo pipefail

state_file=${VOLLEY_PG_STATE:-/tmp/volley-pg.current}
db_name=volley_test

say() { echo "pg-setup: $*" >&2; }

find_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

# Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses to run as root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

bin_dir=$(find_bin_dir)
if [ -z "$bin_dir" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "postgresql is not installed and we are not root: install it with apt-get install postgresql"
    exit 1
  fi
  say "installing postgresql with apt-get"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin_dir=$(find_bin_dir)
  [ -n "$bin_dir" ] || { say "postgresql installed but no initdb found under /usr/lib/postgresql"; exit 1; }
fi

# Reuse a cluster from an earlier call if it is still up.
if [ -f "$state_file" ]; then
  old_dir=$(head -n 1 "$state_file")
  if [ -f "$old_dir/url" ] && as_pg "$bin_dir/pg_ctl" -D "$old_dir/data" status >/dev/null 2>&1; then
    say "reusing the running cluster in $old_dir"
    echo "VOLLEY_TEST_PG=$(cat "$old_dir/url")"
    exit 0
  fi
  say "removing a stale cluster in ${old_dir:-?}"
  if [ -n "$old_dir" ] && [ -d "$old_dir" ]; then
    as_pg "$bin_dir/pg_ctl" -D "$old_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$old_dir"
  fi
  rm -f "$state_file"
fi

work_dir=$(mktemp -d /tmp/volley-pg.XXXXXX)
chmod 700 "$work_dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$work_dir"; fi

password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$work_dir/pwfile"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$work_dir/pwfile"; fi

say "initdb in $work_dir/data ($bin_dir)"
as_pg "$bin_dir/initdb" -D "$work_dir/data" -U postgres --pwfile="$work_dir/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >/dev/null
rm -f "$work_dir/pwfile"

# Loopback only; the unix socket lives in the work dir. Durability is off: the data is thrown away.
started=''
for _ in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 40000))
  port_in_use "$port" && continue
  if as_pg "$bin_dir/pg_ctl" -D "$work_dir/data" -l "$work_dir/server.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $work_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null; then
    started=$port
    break
  fi
  say "could not start on port $port, trying another"
done
if [ -z "$started" ]; then
  say "PostgreSQL did not start; log: $work_dir/server.log"
  tail -n 20 "$work_dir/server.log" >&2 || true
  exit 1
fi

as_pg "$bin_dir/createdb" -h "$work_dir" -p "$port" -U postgres "$db_name"

url="postgres://postgres:$password@127.0.0.1:$port/$db_name"
printf '%s\n' "$url" >"$work_dir/url"
chmod 600 "$work_dir/url"
printf '%s\n' "$work_dir" >"$state_file"
say "PostgreSQL listening on 127.0.0.1:$port, database $db_name"
echo "VOLLEY_TEST_PG=$url"
