#!/usr/bin/env bash
# catalog.sh start|stop|status|profile
#
# A PostgreSQL server for the project's Iceberg catalog (Iceberg's JDBC catalog), from Debian's
# postgresql packages, on 127.0.0.1 only. Everything it owns lives in ./.nas/catalog/ under the
# working directory (or $NAS_CATALOG_DIR): data/ (the database cluster), log, password (generated
# at the first start, mode 600, never in the repository) and profile.properties, the catalog's
# Spark settings with that password (mode 600). Jobs take it with --profile:
#
#   bin/nas sample --profile .nas/catalog/profile.properties --tables hdfs://127.0.0.1:9000/nas ...
#
#   start    initialises the database cluster on first use, starts the server, waits until it
#            takes connections (at most NAS_CATALOG_TIMEOUT s, default 60), creates the database
#            and prints the --profile path and its settings (the password masked). A server
#            already running from this directory is left as it is (exit 0).
#   stop     stops the server (fast shutdown: open transactions roll back).
#   status   exit 0 if the server takes connections, 3 if not.
#   profile  prints the settings as --conf options, password included.
#
# Port: NAS_CATALOG_PORT (5433, beside a system server's 5432). Run as root, the server runs as
# the postgres user (PostgreSQL refuses root), so the directory is handed to that user.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

cmd="${1:-}"
case "$cmd" in start|stop|status|profile) ;; -h|--help|"") usage ;; *) echo "catalog: unknown command $cmd" >&2; usage ;; esac

dir="${NAS_CATALOG_DIR:-$PWD/.nas/catalog}"
dir="$(mkdir -p "$dir" && cd "$dir" && pwd)"
port="${NAS_CATALOG_PORT:-5433}"
timeout_s="${NAS_CATALOG_TIMEOUT:-60}"
database=nas_catalog
user=nas
profile="$dir/profile.properties"

pg_bin="${NAS_PG_BIN:-}"
if [[ -z "$pg_bin" ]]; then
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [[ -z "$pg_bin" || ! -x "$pg_bin/pg_ctl" ]]; then
    echo "catalog: PostgreSQL server programs not found (install Debian's postgresql package; bin/setup does)" >&2
    exit 2
fi

# PostgreSQL will not run as root: as root, run its programs as the postgres system user, from
# a directory that user can enter (the caller's may be closed to it).
as_owner() {
    if [[ "$(id -u)" -eq 0 ]]; then (cd "$dir" && runuser -u postgres -- "$@"); else "$@"; fi
}

ready() { "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d "$database" -U "$user" 2>/dev/null; }

running() { [[ -f "$dir/data/postmaster.pid" ]] && as_owner "$pg_bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

initialise() {
    umask 077
    if [[ ! -f "$dir/password" ]]; then
        head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/password"
    fi
    if [[ "$(id -u)" -eq 0 ]]; then
        chown -R postgres "$dir"
        runuser -u postgres -- test -w "$dir" || {
            echo "catalog: the postgres user cannot reach $dir (a parent directory is closed to others); set NAS_CATALOG_DIR" >&2
            exit 1; }
    fi
    as_owner "$pg_bin/initdb" -D "$dir/data" -U "$user" --pwfile="$dir/password" \
        --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { echo "catalog: initdb failed; see $dir/initdb.log" >&2; exit 1; }
}

write_profile() {
    umask 077
    cat > "$profile" <<EOF
# The project's Iceberg catalog on PostgreSQL (cluster-conf/catalog.sh). Secret: mode 600.
spark.sql.catalog.nas.catalog-impl=org.apache.iceberg.jdbc.JdbcCatalog
spark.sql.catalog.nas.uri=jdbc:postgresql://127.0.0.1:$port/$database
spark.sql.catalog.nas.jdbc.user=$user
spark.sql.catalog.nas.jdbc.password=$(cat "$dir/password")
spark.sql.catalog.nas.jdbc.schema-version=V1
EOF
}

case "$cmd" in
    start)
        [[ -f "$dir/data/PG_VERSION" ]] || initialise
        if running; then
            echo "catalog: already running from $dir on 127.0.0.1:$port"
        else
            if port_busy "$port"; then
                echo "catalog: port $port is in use (set NAS_CATALOG_PORT)" >&2; exit 1
            fi
            as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t "$timeout_s" \
                -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=''" start >/dev/null \
                || { echo "catalog: the server did not start; see $dir/log" >&2; exit 1; }
        fi
        export PGPASSWORD="$(cat "$dir/password")"
        if ! "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
                "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
            "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database"
        fi
        write_profile
        echo "catalog: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, database $database"
        echo "profile: $profile"
        sed -e '/^#/d' -e 's/\(password=\).*/\1******/' "$profile" | sed 's/^/  /'
        ;;
    stop)
        if running; then
            as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
            echo "catalog: stopped"
        else
            echo "catalog: not running"
        fi
        ;;
    status)
        if ready; then echo "catalog: running on 127.0.0.1:$port ($dir)"; else echo "catalog: not running"; exit 3; fi
        ;;
    profile)
        [[ -f "$profile" ]] || { echo "catalog: no profile yet; run catalog.sh start" >&2; exit 3; }
        sed -e '/^#/d' -e 's/^/--conf /' "$profile" | tr '\n' ' '; echo
        ;;
esac
