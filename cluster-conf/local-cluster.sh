#!/usr/bin/env bash
# local-cluster.sh start|stop|status [--workers N]
#
# A real Spark standalone cluster on 127.0.0.1 built from the project's Maven classpath (no Spark
# distribution needed): one master and N workers (default 2), each worker offering
# NAS_WORKER_CORES cores (1) and NAS_WORKER_MEMORY memory (2g). Everything it owns lives in
# ./.nas/cluster/ under the working directory (or $NAS_CLUSTER_DIR): logs/, pids/, work/ (the
# workers' application dirs with executor logs), spark-home/jars/ (symlinks to the classpath
# jars; the workers' launcher wants a SPARK_HOME to build executor command lines from).
#
#   start   starts master and workers, waits (at most NAS_CLUSTER_TIMEOUT s, default 120) until
#           the master is ALIVE and all workers are registered, prints the master URL.
#           If a cluster from this directory is already running it says so, starts nothing and
#           exits 1. A port in use also exits 1, before anything starts.
#   stop    stops the pids in pids/ (TERM, then KILL after 15 s) and nothing else.
#   status  master URL and which of its pids are alive; exit 0 if all are, 3 otherwise.
#
# Ports (all bound to 127.0.0.1; the master's REST submission server is off):
#   NAS_MASTER_PORT (7077), NAS_MASTER_WEBUI_PORT (8080), NAS_WORKER_WEBUI_PORT (first worker's
#   web UI, 8081; the next ones count up). Worker RPC ports are chosen by the OS.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

cmd="${1:-}"; [[ $# -gt 0 ]] && shift
workers=2
while [[ $# -gt 0 ]]; do
    case "$1" in
        --workers) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "local-cluster: --workers needs a positive number" >&2; exit 2; }
                   workers="$2"; shift 2 ;;
        --workers=*) workers="${1#*=}"; [[ "$workers" =~ ^[1-9][0-9]*$ ]] || { echo "local-cluster: --workers needs a positive number" >&2; exit 2; }; shift ;;
        -h|--help) usage ;;
        *) echo "local-cluster: unknown option $1" >&2; usage ;;
    esac
done

dir="${NAS_CLUSTER_DIR:-$PWD/.nas/cluster}"
pids="$dir/pids"
logs="$dir/logs"
master_port="${NAS_MASTER_PORT:-7077}"
webui_port="${NAS_MASTER_WEBUI_PORT:-8080}"
worker_webui_base="${NAS_WORKER_WEBUI_PORT:-8081}"
worker_cores="${NAS_WORKER_CORES:-1}"
worker_memory="${NAS_WORKER_MEMORY:-2g}"
timeout_s="${NAS_CLUSTER_TIMEOUT:-120}"

# A pid from our pid files that is still one of our Spark daemons (not a reused pid).
ours_alive() { pid_runs "$1" "org.apache.spark.deploy.\(master.Master\|worker.Worker\)"; }

pid_files() { compgen -G "$pids/*.pid" | sort || true; }

any_alive() {
    local f
    for f in $(pid_files); do ours_alive "$(cat "$f")" && return 0; done
    return 1
}

master_json() { curl -fsSL --max-time 2 "http://127.0.0.1:$1/json/" 2>/dev/null || true; }

status() {
    if [[ ! -d "$pids" ]] || [[ -z "$(pid_files)" ]]; then
        echo "local-cluster: not running (no pid files in $pids)"; return 3
    fi
    echo "master: $(cat "$dir/master-url" 2>/dev/null || echo '?')  web UI: $(cat "$dir/webui-url" 2>/dev/null || echo '?')"
    local f pid all=0
    for f in $(pid_files); do
        pid="$(cat "$f")"
        if ours_alive "$pid"; then echo "  $(basename "$f" .pid): pid $pid alive"
        else echo "  $(basename "$f" .pid): pid $pid not running"; all=3; fi
    done
    return $all
}

stop() {
    if [[ -z "$(pid_files)" ]]; then echo "local-cluster: nothing to stop (no pid files in $pids)"; return 0; fi
    local f pid order=()
    # workers first (each stops its executors), then the master
    for f in $(pid_files); do [[ "$f" == */master.pid ]] || order+=("$f"); done
    [[ -f "$pids/master.pid" ]] && order+=("$pids/master.pid")
    for f in "${order[@]}"; do
        pid="$(cat "$f")"
        if ours_alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    local deadline=$((SECONDS + 15))
    for f in "${order[@]}"; do
        pid="$(cat "$f")"
        while ours_alive "$pid" && (( SECONDS < deadline )); do sleep 0.2; done
        if ours_alive "$pid"; then echo "local-cluster: $(basename "$f" .pid) (pid $pid) ignored TERM; killing" >&2; kill -KILL "$pid" 2>/dev/null || true; fi
        echo "stopped $(basename "$f" .pid) (pid $pid)"
        rm -f "$f"
    done
}

# Starts one daemon in its own session (Ctrl-C in the caller's shell does not reach it).
launch() {
    local name="$1"; shift
    SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
    SPARK_LOCAL_HOSTNAME=127.0.0.1 SPARK_CONF_DIR="$dir/spark-home/conf" \
        setsid java "${jvm_options[@]}" -Xmx512m -Dspark.master.rest.enabled=false \
        -cp "$jar:$(cat "$target/spark-classpath.txt")" "$@" \
        </dev/null >"$logs/$name.log" 2>&1 &
    echo $! >"$pids/$name.pid"
}

fail_start() {
    echo "local-cluster: $1" >&2
    echo "local-cluster: stopping what was started; logs are in $logs" >&2
    stop >&2 || true
    exit 1
}

start() {
    if any_alive; then
        echo "local-cluster: a cluster is already running from $dir (master $(cat "$dir/master-url" 2>/dev/null || echo '?')); nothing started"
        status || true
        exit 1
    fi
    ensure_jar local-cluster
    local p i
    for p in "$master_port" "$webui_port" $(seq "$worker_webui_base" $((worker_webui_base + workers - 1))); do
        if port_busy "$p"; then
            echo "local-cluster: port $p is in use; choose others with NAS_MASTER_PORT, NAS_MASTER_WEBUI_PORT, NAS_WORKER_WEBUI_PORT" >&2
            exit 1
        fi
    done
    rm -rf "$pids" "$dir/spark-home"
    mkdir -p "$pids" "$logs" "$dir/work" "$dir/spark-home/jars" "$dir/spark-home/conf"
    # Executors get the same classpath as the daemons: the jobs jar and Spark's. The jobs jar
    # must be there too: spark-classpath.txt lists only Spark's provided artifacts, and a few
    # that Spark needs (slf4j-api among them) are compile dependencies of DJL, shaded into it.
    ln -sf "$jar" "$dir/spark-home/jars/nas-jobs.jar"
    # The file has no final newline: `|| [[ -n $j ]]` keeps its last entry.
    tr ':' '\n' <"$target/spark-classpath.txt" | while read -r j || [[ -n "$j" ]]; do
        [[ -n "$j" ]] && ln -sf "$j" "$dir/spark-home/jars/$(basename "$j")"
    done
    read -r -a jvm_options <"$target/jvm-options.txt"

    local url="spark://127.0.0.1:$master_port" webui="http://127.0.0.1:$webui_port"
    echo "$url" >"$dir/master-url"; echo "$webui" >"$dir/webui-url"
    launch master org.apache.spark.deploy.master.Master \
        --host 127.0.0.1 --port "$master_port" --webui-port "$webui_port"
    local deadline=$((SECONDS + timeout_s))
    until master_json "$webui_port" | grep -q '"status" *: *"ALIVE"'; do
        ours_alive "$(cat "$pids/master.pid")" || fail_start "the master exited; see $logs/master.log"
        (( SECONDS < deadline )) || fail_start "the master did not come up within ${timeout_s} s"
        sleep 0.5
    done
    echo "master $url up (pid $(cat "$pids/master.pid")), web UI $webui"
    for i in $(seq 1 "$workers"); do
        mkdir -p "$dir/work/worker-$i"
        launch "worker-$i" org.apache.spark.deploy.worker.Worker "$url" \
            --host 127.0.0.1 --cores "$worker_cores" --memory "$worker_memory" \
            --webui-port $((worker_webui_base + i - 1)) --work-dir "$dir/work/worker-$i"
    done
    local alive=0
    while :; do
        alive="$(master_json "$webui_port" | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || echo 0)"
        (( ${alive:-0} >= workers )) && break
        for i in $(seq 1 "$workers"); do
            ours_alive "$(cat "$pids/worker-$i.pid")" || fail_start "worker-$i exited; see $logs/worker-$i.log"
        done
        (( SECONDS < deadline )) || fail_start "only ${alive:-0} of $workers workers registered within ${timeout_s} s"
        sleep 0.5
    done
    for i in $(seq 1 "$workers"); do
        echo "worker-$i registered (pid $(cat "$pids/worker-$i.pid")), $worker_cores core(s), $worker_memory"
    done
    echo "cluster ready: $url ($workers workers); stop with: $(basename "${BASH_SOURCE[0]}") stop"
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    -h|--help|"") usage ;;
    *) echo "local-cluster: unknown command $cmd" >&2; usage ;;
esac
