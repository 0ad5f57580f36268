#!/usr/bin/env bash
# A private, throw-away PostgreSQL cluster for tests.
# .ci/run wraps the Rust tests in it; a developer runs the same with
#   bash .ci/pg.sh cargo test -p store -p services          (and HANDOVER_TEST_STORE=postgres for services)
#   bash .ci/pg.sh CMD ARGS...        starts a cluster, runs CMD with HANDOVER_TEST_PG=<url>, stops it.
# As root it runs the server as the unprivileged `postgres` user (created by Debian's package) or,
# failing that, a `handover-ci` system user it creates. Fails loudly if the server cannot start.
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ ! -x "$PGBIN/initdb" ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  else
    echo "pg-private: PostgreSQL not installed (apt-get install postgresql)" >&2; exit 1
  fi
fi

# Who runs the server: never root (postgres refuses to).
if [ "$(id -u)" = 0 ]; then
  PGUSER_OS=postgres
  id "$PGUSER_OS" >/dev/null 2>&1 || { PGUSER_OS=handover-ci; id "$PGUSER_OS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_OS"; }
  as_pg() { runuser -u "$PGUSER_OS" -- "$@"; }
else
  as_pg() { "$@"; }
fi

PGTMP=$(mktemp -d /tmp/pgci.XXXXXX)          # short path: unix socket paths are limited to ~107 bytes
mkdir -p "$PGTMP/data" "$PGTMP/sock"
[ "$(id -u)" = 0 ] && chown -R "$PGUSER_OS" "$PGTMP"
chmod 700 "$PGTMP"

cleanup() {
  local rc=$?
  if [ -f "$PGTMP/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null || true
  fi
  [ $rc -ne 0 ] && [ -f "$PGTMP/log" ] && tail -n 30 "$PGTMP/log" >&2
  rm -rf "$PGTMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Superuser (named after the OS user): trust on the private socket only; TCP needs a password.
as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U pgadmin --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1 || { cat "$PGTMP/initdb.log" >&2; exit 1; }

# A free port: ask the kernel for one (bind to port 0), then retry start if it was raced away.
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null \
  || echo $(( 20000 + RANDOM % 20000 )); }
started=
for _ in 1 2 3 4 5; do
  PORT=$(free_port)
  if as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 30 \
       -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$PGTMP/sock -c fsync=off -c max_connections=100" \
       start >/dev/null; then started=1; break; fi
done
[ -n "$started" ] || { echo "pg-private: PostgreSQL did not start" >&2; exit 1; }

PW=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
psql_admin() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGTMP/sock" -p "$PORT" -U pgadmin -d postgres "$@"; }
psql_admin -c "CREATE ROLE handover LOGIN PASSWORD '$PW' NOSUPERUSER NOCREATEROLE CREATEDB" \
           -c "CREATE DATABASE handover OWNER handover"

export HANDOVER_TEST_PG="postgres://handover:$PW@127.0.0.1:$PORT/handover"
export HANDOVER_TEST_PG_SOCKET="postgres://handover:$PW@localhost/handover?host=$PGTMP/sock&port=$PORT"
echo "pg-private: $PGBIN (port $PORT, data $PGTMP/data)" >&2
echo "HANDOVER_TEST_PG=$HANDOVER_TEST_PG"

if [ $# -gt 0 ]; then "$@"; else echo "pg-private: no command given; stopping" >&2; fi
