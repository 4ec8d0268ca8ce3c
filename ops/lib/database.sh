# Shared by ops/backup and ops/restore: which database the deployment uses, resolved the way the
# `articula` binary resolves it from the environment (DATABASE_URL wins over
# ARTICULA_DATABASE_URL; neither means the embedded SQLite file in ARTICULA_DATA_DIR, `data` by
# default). Sets ARTICULA_BACKEND (postgres|sqlite), ARTICULA_DB_URL, and ARTICULA_PG_URL (for
# PostgreSQL's tools) or ARTICULA_DB_FILE (SQLite). Sourced, not run.

die() {
  echo "${0##*/}: $*" >&2
  exit 1
}

# The articula binary: ARTICULA_BIN, else the one on PATH.
ARTICULA_BIN="${ARTICULA_BIN:-$(command -v articula || true)}"
[ -x "$ARTICULA_BIN" ] || die "the articula binary was not found (put it on PATH or set ARTICULA_BIN)"

resolve_database() {
  local url="${DATABASE_URL:-${ARTICULA_DATABASE_URL:-}}"
  if [ -z "$url" ]; then
    # A configuration file is not read here: a database named only there would be missed.
    local config="${ARTICULA_CONFIG:-articula.toml}"
    if [ -f "$config" ] && grep -Eq '^[[:space:]]*(database_url|data_dir)[[:space:]]*=' "$config"; then
      die "$config sets database_url or data_dir: export DATABASE_URL (or ARTICULA_DATA_DIR) for this script too"
    fi
    ARTICULA_BACKEND=sqlite
    ARTICULA_DB_FILE="${ARTICULA_DATA_DIR:-data}/articula.db"
    ARTICULA_DB_URL="sqlite://$ARTICULA_DB_FILE"
    return
  fi
  case "$url" in
    postgres://* | postgresql://*)
      ARTICULA_BACKEND=postgres
      ARTICULA_DB_URL="$url"
      ARTICULA_PG_URL="$(libpq_url "$url")"
      ;;
    sqlite:*)
      ARTICULA_BACKEND=sqlite
      local path="${url#sqlite:}"
      path="${path#//}"
      ARTICULA_DB_FILE="${path%%\?*}"
      ARTICULA_DB_URL="sqlite://$ARTICULA_DB_FILE"
      ;;
    *) die "DATABASE_URL is neither postgres://… nor sqlite://…" ;;
  esac
}

# The URL as PostgreSQL's own tools (pg_dump, pg_restore, psql) take it: sqlx's spellings of
# libpq's parameters (ssl-mode…) renamed, and its own (statement-cache-capacity) dropped.
libpq_url() {
  local url="$1" base query kept=() pair
  base="${url%%\?*}"
  [ "$base" != "$url" ] || { echo "$url"; return; }
  query="${url#*\?}"
  IFS='&' read -ra pairs <<<"$query"
  for pair in "${pairs[@]}"; do
    case "${pair%%=*}" in
      statement-cache-capacity) ;;
      ssl-mode) kept+=("sslmode=${pair#*=}") ;;
      ssl-root-cert) kept+=("sslrootcert=${pair#*=}") ;;
      ssl-cert) kept+=("sslcert=${pair#*=}") ;;
      ssl-key) kept+=("sslkey=${pair#*=}") ;;
      *) kept+=("$pair") ;;
    esac
  done
  if [ ${#kept[@]} -eq 0 ]; then
    echo "$base"
  else
    (IFS='&'; echo "$base?${kept[*]}")
  fi
}

# Runs the articula binary on exactly the database resolved above (the environment wins over any
# configuration file, so both always agree). The scripts' own ARTICULA_BIN/BACKUP_* variables are
# not settings: the binary would refuse them as unknown.
articula() {
  env -u ARTICULA_BIN -u ARTICULA_BACKUP_DIR -u ARTICULA_BACKUP_KEEP \
    DATABASE_URL="$ARTICULA_DB_URL" "$ARTICULA_BIN" "$@"
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is needed ($2)"
}
