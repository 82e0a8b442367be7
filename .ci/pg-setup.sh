#!/usr/bin/env bash
# Make a PostgreSQL 15 server with pgvector available for the tests and print one line:
#   export TEST_DATABASE_URL=…
# Uses the server already running on 127.0.0.1:5432 when there is one; otherwise installs
# and starts Debian's PostgreSQL 15. pgvector is not packaged for Debian 12, so it is built
# from Debian's 0.8.0 source tarball (vendored in .ci/vendor, sha256-checked), OPTFLAGS=""
# so the build does not use -march=native. Everything but the export line goes to stderr.
set -euo pipefail
PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
HERE=$(cd "$(dirname "$0")" && pwd)
TARBALL=${PGVECTOR_TARBALL:-$HERE/vendor/pgvector_0.8.0.orig.tar.gz}
SHA256=867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

{
  need=()
  [ -x "$PGBIN/postgres" ] || need+=("postgresql-$PGVER")
  [ -f "/usr/include/postgresql/$PGVER/server/postgres.h" ] || need+=("postgresql-server-dev-$PGVER")
  command -v make >/dev/null && command -v gcc >/dev/null || need+=(build-essential)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
  fi

  if [ ! -f "/usr/share/postgresql/$PGVER/extension/vector.control" ]; then
    echo "building pgvector 0.8.0 from $TARBALL"
    echo "$SHA256  $TARBALL" | sha256sum -c -
    b=$(mktemp -d)
    tar -xzf "$TARBALL" -C "$b"
    make -s -C "$b/pgvector-0.8.0" PG_CONFIG="$PGBIN/pg_config" OPTFLAGS="" -j"$(nproc)"
    $SUDO make -s -C "$b/pgvector-0.8.0" PG_CONFIG="$PGBIN/pg_config" install
    rm -rf "$b"
  fi

  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "starting PostgreSQL $PGVER"
    if [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then $SUDO pg_createcluster $PGVER main; fi
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # Trust auth on this machine; elsewhere set PGPASSWORD or TEST_DATABASE_URL yourself.
  psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt \
    -c "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test"
  psql -h 127.0.0.1 -p 5432 -U postgres -d test -v ON_ERROR_STOP=1 -qAt \
    -c "CREATE EXTENSION IF NOT EXISTS vector" \
    -c "SELECT 'PostgreSQL ' || current_setting('server_version') || ', pgvector ' || extversion FROM pg_extension WHERE extname='vector'"
} >&2

echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
