#!/usr/bin/env bash
# submit.sh [--conf-file local|standalone|yarn|k8s|FILE] JOB [args]
#
# Submits a nas job (io.nasspark.jobs.NasCli in jobs/target/nas-jobs.jar) with
# cluster-conf/spark-defaults.<conf-file>.conf as the properties file (default: standalone).
# The master is --master URL from the job's args if given (passed to spark-submit as well),
# else spark.master from the properties file.
#
# With a Spark distribution (spark-submit on PATH, or $SPARK_HOME/bin/spark-submit) it runs
# spark-submit. Without one it runs Spark's SparkSubmit from the project's Maven classpath in a
# JVM started here (client deploy mode only: local and spark:// masters), applying the file's
# spark.driver.memory and spark.driver.extraJavaOptions as spark-submit's launcher would.
#
# A spark:// master that does not accept a TCP connection within 5 s fails at once with
# "cannot reach spark master at ..." (exit 2) instead of Spark's retries. Builds the jar first
# if it is missing or stale. Exit code: the job's (0 ok, 2 bad input, 1 other failure).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

conf_name=standalone
case "${1:-}" in
    --conf-file) [[ $# -ge 2 ]] || usage; conf_name="$2"; shift 2 ;;
    --conf-file=*) conf_name="${1#*=}"; shift ;;
    -h|--help|"") usage ;;
esac
[[ $# -gt 0 ]] || usage

if [[ -f "$conf_name" ]]; then
    conf_file="$(cd "$(dirname "$conf_name")" && pwd)/$(basename "$conf_name")"
else
    conf_file="$root/cluster-conf/spark-defaults.$conf_name.conf"
    [[ -f "$conf_file" ]] || { echo "submit: no conf file $conf_file (choose local, standalone, yarn or k8s)" >&2; exit 2; }
fi

# A key's value in a properties file (spark-defaults syntax: key, whitespace or '=', value).
conf_value() {
    sed -n -E "s/^[[:space:]]*$(sed 's/\./\\./g' <<<"$1")([[:space:]]+|[[:space:]]*=[[:space:]]*)(.*[^[:space:]])[[:space:]]*$/\2/p" "$conf_file" | tail -n 1
}

# The master: the job's --master wins over the file.
master=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --master) master="${args[i+1]:-}" ;;
        --master=*) master="${args[i]#*=}" ;;
    esac
done
[[ -n "$master" ]] || master="$(conf_value spark.master)"

if [[ "$master" == spark://* ]]; then
    reachable=""
    IFS=',' read -r -a hostports <<<"${master#spark://}"
    for hp in "${hostports[@]}"; do
        host="${hp%:*}"; port="${hp##*:}"
        [[ "$hp" == *:* ]] || port=7077
        if timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; then reachable=yes; break; fi
    done
    if [[ -z "$reachable" ]]; then
        echo "submit: cannot reach spark master at $master (no TCP connection within 5 s); is the cluster up? (cluster-conf/local-cluster.sh status)" >&2
        exit 2
    fi
fi

case "$master" in
    local*|spark://127.0.0.1:*|spark://localhost:*) export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" ;;
esac

ensure_jar submit
quiet_libtorch "$@"
log_opt="-Dlog4j2.configurationFile=$root/cluster-conf/log4j2.properties"
driver_opts="$(conf_value spark.driver.extraJavaOptions)"
master_args=()
[[ -n "$master" ]] && master_args=(--master "$master")

spark_submit=""
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
    spark_submit="$SPARK_HOME/bin/spark-submit"
elif command -v spark-submit >/dev/null; then
    spark_submit="$(command -v spark-submit)"
fi

if [[ -n "$spark_submit" ]]; then
    # --driver-java-options replaces the file's spark.driver.extraJavaOptions: pass both.
    exec "$spark_submit" --properties-file "$conf_file" "${master_args[@]}" \
        --driver-java-options "$driver_opts $log_opt" \
        --class io.nasspark.jobs.NasCli "$jar" "$@"
fi

read -r -a jvm_options <"$target/jvm-options.txt"
read -r -a driver_opts_array <<<"$driver_opts"
driver_memory="$(conf_value spark.driver.memory)"
heap=()
[[ -n "$driver_memory" ]] && heap=("-Xmx$driver_memory")
# shellcheck disable=SC2086  # NAS_JAVA_OPTS is a list of options on purpose
exec java "${jvm_options[@]}" "${driver_opts_array[@]}" "${heap[@]}" ${NAS_JAVA_OPTS:-} "$log_opt" \
    -cp "$jar:$(cat "$target/spark-classpath.txt")" \
    org.apache.spark.deploy.SparkSubmit --properties-file "$conf_file" "${master_args[@]}" \
    --class io.nasspark.jobs.NasCli "$jar" "$@"
