#!/usr/bin/env bash
# Runs every test of the workspace.
#
# The tests need PostgreSQL: they create (and drop) one fresh database per test. They use
# ARTICULA_TEST_DATABASE_URL when set (a server URL whose user may CREATE DATABASE), else the local
# server at 127.0.0.1:5432 as user `postgres`. A local cluster that is installed but stopped is
# started here; one that is not installed is installed from Debian's packages when running as
# root. If PostgreSQL still cannot be reached, this fails: tests never skip for want of it.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ensure_local_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "ops/test.sh: PostgreSQL is not installed; installing it from Debian's packages" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      # A fresh Debian cluster asks for passwords on TCP; the throwaway test cluster trusts
      # local connections, as the tests expect.
      for hba in /etc/postgresql/*/main/pg_hba.conf; do
        sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
      done
    else
      echo "ops/test.sh: PostgreSQL is needed and not installed (set ARTICULA_TEST_DATABASE_URL)" >&2
      exit 1
    fi
  fi
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
      || pg_ctlcluster "$version" main start 2>/dev/null || true
  done
  for _ in $(seq 1 30); do pg_up && return 0; sleep 1; done
  echo "ops/test.sh: the local PostgreSQL cluster did not come up on 127.0.0.1:5432" >&2
  exit 1
}

if [ -z "${ARTICULA_TEST_DATABASE_URL:-}" ] && ! pg_up; then
  ensure_local_postgres
fi

# The notification tests send mail to a real SMTP server: Debian's aiosmtpd, which the test
# harness starts on a free loopback port (tests/tests/notifications/smtp.rs).
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ops/test.sh: installing python3-aiosmtpd from Debian's packages" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
  else
    echo "ops/test.sh: python3-aiosmtpd is needed by the notification tests and not installed" >&2
    exit 1
  fi
fi

# The web console's tests drive a real headless Chromium through chromedriver (Debian's
# packages; tests/tests/console). Nothing is downloaded by the tests themselves.
if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ops/test.sh: installing chromium and chromium-driver from Debian's packages" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "ops/test.sh: chromium and chromium-driver are needed by the console tests and not installed" >&2
    exit 1
  fi
fi

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast "$@"
else
  cargo test --workspace --locked --no-fail-fast "$@"
fi
