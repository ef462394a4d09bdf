# Sourced by .ci/run: starts one throwaway PostgreSQL cluster for the whole test run and exports its connection
# string as TEAMUP_TEST_POSTGRES (the PostgreSQL tests use it instead of starting clusters of their own), and stops it
# and removes its folder when the run ends. PostgreSQL refuses to run as root: as root the cluster runs as the
# `postgres` system user. If it cannot start, the run fails here and says why; a developer without PostgreSQL may
# opt out with TEAMUP_TEST_SKIP_POSTGRES=1 (the PostgreSQL tests are then reported as skipped, never passed).

ci_pg_start() {
  if [ "${TEAMUP_TEST_SKIP_POSTGRES:-}" = "1" ]; then
    echo "postgres: TEAMUP_TEST_SKIP_POSTGRES=1: not starting PostgreSQL; its tests will be skipped" >&2
    return 0
  fi
  if [ -n "${TEAMUP_TEST_POSTGRES:-}" ]; then
    echo "postgres: using the server given by TEAMUP_TEST_POSTGRES" >&2
    return 0
  fi

  local bin="${TEAMUP_PG_BIN:-}"
  if [ -n "$bin" ] && [ ! -x "$bin/initdb" ]; then
    echo "postgres: cannot start PostgreSQL: TEAMUP_PG_BIN=$bin has no initdb" >&2
    return 1
  fi
  if [ -z "$bin" ] && command -v pg_config >/dev/null 2>&1; then bin=$(pg_config --bindir); fi
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -n 1)
  fi
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres: cannot start PostgreSQL: no initdb found (TEAMUP_PG_BIN, pg_config --bindir, /usr/lib/postgresql/N/bin); install postgresql-15 or set TEAMUP_TEST_SKIP_POSTGRES=1 to skip its tests" >&2
    return 1
  fi

  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "postgres: cannot start PostgreSQL: running as root and there is no 'postgres' system user to run it as" >&2
      return 1
    fi
    as=(runuser -u postgres --)
  fi

  CI_PG_DIR=$(mktemp -d /tmp/teamup-ci-pg.XXXXXX)
  chmod 777 "$CI_PG_DIR"
  CI_PG_AS=("${as[@]}")
  CI_PG_BIN=$bin
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
         || echo $((20000 + RANDOM % 20000)))

  if ! (cd /tmp && "${as[@]}" "$bin/initdb" -D "$CI_PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$CI_PG_DIR/initdb.log" 2>&1); then
    echo "postgres: cannot start PostgreSQL: initdb failed:" >&2
    tail -n 20 "$CI_PG_DIR/initdb.log" >&2
    return 1
  fi
  if ! (cd /tmp && "${as[@]}" "$bin/pg_ctl" -D "$CI_PG_DIR/data" -l "$CI_PG_DIR/server.log" -w -t 60 \
          -o "-p $port -c listen_addresses=127.0.0.1 -k $CI_PG_DIR -c max_connections=300" start >/dev/null 2>&1); then
    echo "postgres: cannot start PostgreSQL on 127.0.0.1:$port: pg_ctl start failed; server log:" >&2
    tail -n 20 "$CI_PG_DIR/server.log" >&2
    return 1
  fi
  export TEAMUP_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Timeout=10"
  echo "postgres: started PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for this run" >&2
}

ci_pg_stop() {
  [ -n "${CI_PG_DIR:-}" ] || return 0
  if [ -f "$CI_PG_DIR/data/postmaster.pid" ]; then
    (cd /tmp && "${CI_PG_AS[@]}" "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -m fast -w stop >/dev/null 2>&1)
  fi
  rm -rf "$CI_PG_DIR"
  CI_PG_DIR=
}
