#!/usr/bin/env bash
# hdfs.sh start|stop|status|start-datanode|stop-datanode
#
# A single-node HDFS on 127.0.0.1: Hadoop's own NameNode and DataNode daemons, each in a JVM of
# its own, run from the Hadoop artifacts in Maven (hadoop-client-minicluster, the jar Hadoop's
# tests start HDFS from; jobs/target/hdfs-classpath.txt, written by the jobs build). No Hadoop
# distribution needed. Everything it owns lives in ./.nas/hdfs/ under the working directory
# (or $NAS_HDFS_DIR): conf/ (core-site.xml, hdfs-site.xml), name/ and data/ (the NameNode's
# image and the DataNode's blocks, kept across restarts), logs/, pids/, and profile.properties
# (the client settings jobs take with --profile). A warehouse on it:
#
#   bin/nas sample --tables hdfs://127.0.0.1:9000/nas --profile .nas/hdfs/profile.properties \
#       --profile .nas/catalog/profile.properties ...
#
#   start           formats the NameNode on first use, starts NameNode and DataNode, waits (at
#                   most NAS_HDFS_TIMEOUT s, default 120) until the DataNode is live and the
#                   NameNode out of safe mode, prints the file system URI. Already running: says
#                   so, exit 0.
#   stop            stops both (TERM, then KILL after 15 s).
#   status          the URI and which daemons are alive; exit 0 if both are, 3 otherwise.
#   start-datanode  starts the DataNode alone (after it died or was stopped), waits until live.
#   stop-datanode   stops the DataNode alone.
#
# Ports (127.0.0.1 only): NAS_HDFS_PORT (NameNode RPC, 9000), NAS_HDFS_HTTP_PORT (NameNode web
# UI, 9870); the DataNode's ports are chosen by the OS. Blocks are kept once (replication 1).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

cmd="${1:-}"
case "$cmd" in start|stop|status|start-datanode|stop-datanode) ;; -h|--help|"") usage ;;
    *) echo "hdfs: unknown command $cmd" >&2; usage ;; esac

dir="${NAS_HDFS_DIR:-$PWD/.nas/hdfs}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
port="${NAS_HDFS_PORT:-9000}"
http_port="${NAS_HDFS_HTTP_PORT:-9870}"
timeout_s="${NAS_HDFS_TIMEOUT:-120}"
uri="hdfs://127.0.0.1:$port"
conf="$dir/conf"
pids="$dir/pids"
logs="$dir/logs"

daemon_class() {
    case "$1" in
        namenode) echo org.apache.hadoop.hdfs.server.namenode.NameNode ;;
        datanode) echo org.apache.hadoop.hdfs.server.datanode.DataNode ;;
    esac
}

# A pid from our pid file that is still that daemon (not a reused pid).
alive() { pid_runs "$(cat "$pids/$1.pid" 2>/dev/null || true)" "$(daemon_class "$1")"; }

write_conf() {
    mkdir -p "$conf" "$pids" "$logs"
    cat > "$conf/core-site.xml" <<EOF
<?xml version="1.0"?>
<configuration>
  <property><name>fs.defaultFS</name><value>$uri</value></property>
  <property><name>hadoop.tmp.dir</name><value>$dir/tmp</value></property>
</configuration>
EOF
    cat > "$conf/hdfs-site.xml" <<EOF
<?xml version="1.0"?>
<configuration>
  <property><name>dfs.namenode.name.dir</name><value>file://$dir/name</value></property>
  <property><name>dfs.datanode.data.dir</name><value>file://$dir/data</value></property>
  <property><name>dfs.namenode.rpc-address</name><value>127.0.0.1:$port</value></property>
  <property><name>dfs.namenode.rpc-bind-host</name><value>127.0.0.1</value></property>
  <property><name>dfs.namenode.http-address</name><value>127.0.0.1:$http_port</value></property>
  <property><name>dfs.namenode.secondary.http-address</name><value>127.0.0.1:0</value></property>
  <property><name>dfs.datanode.address</name><value>127.0.0.1:0</value></property>
  <property><name>dfs.datanode.http.address</name><value>127.0.0.1:0</value></property>
  <property><name>dfs.datanode.ipc.address</name><value>127.0.0.1:0</value></property>
  <property><name>dfs.replication</name><value>1</value></property>
  <property><name>dfs.permissions.enabled</name><value>false</value></property>
  <property><name>dfs.namenode.safemode.extension</name><value>0</value></property>
  <property><name>dfs.heartbeat.interval</name><value>1</value></property>
  <property><name>dfs.namenode.heartbeat.recheck-interval</name><value>10000</value></property>
</configuration>
EOF
    cat > "$conf/log4j.properties" <<EOF
log4j.rootLogger=INFO,console
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d{HH:mm:ss} %p %c{1}: %m%n
EOF
    cat > "$dir/profile.properties" <<EOF
# Client settings for the warehouse on $uri (cluster-conf/hdfs.sh): one DataNode, one copy.
spark.hadoop.dfs.replication=1
spark.hadoop.dfs.client.block.write.replace-datanode-on-failure.enable=false
EOF
}

classpath() {
    ensure_jar hdfs
    echo "$conf:$(cat "$target/hdfs-classpath.txt")"
}

launch() {
    local daemon="$1" cp class; shift
    # expanded here, not in the background job, so that $! is the daemon's JVM from the start
    cp="$(classpath)"
    class="$(daemon_class "$daemon")"
    setsid java -Xmx512m -Dhadoop.log.dir="$logs" -cp "$cp" "$class" "$@" \
        >>"$logs/$daemon.log" 2>&1 < /dev/null &
    echo $! > "$pids/$daemon.pid"
}

# Waits until `hdfs dfsadmin`-like checks pass: a live DataNode and safe mode off.
wait_ready() {
    local deadline=$((SECONDS + timeout_s)) report
    while ((SECONDS < deadline)); do
        for d in namenode "$@"; do
            alive "$d" || { echo "hdfs: the $d died; see $logs/$d.log" >&2; tail -n 5 "$logs/$d.log" >&2; return 1; }
        done
        report="$(curl -fsS --max-time 2 "http://127.0.0.1:$http_port/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState" 2>/dev/null || true)"
        if grep -q '"NumLiveDataNodes" : [1-9]' <<<"$report" \
                && curl -fsS --max-time 2 "http://127.0.0.1:$http_port/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo" 2>/dev/null \
                   | grep -q '"Safemode" : ""'; then
            return 0
        fi
        sleep 1
    done
    echo "hdfs: not ready within $timeout_s s; see $logs/" >&2
    return 1
}

stop_daemon() {
    local daemon="$1" pid i
    alive "$daemon" || { rm -f "$pids/$daemon.pid"; return 0; }
    pid="$(cat "$pids/$daemon.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 30); do alive "$daemon" || break; sleep 0.5; done
    alive "$daemon" && kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pids/$daemon.pid"
    echo "hdfs: $daemon stopped (pid $pid)"
}

case "$cmd" in
    start)
        if alive namenode && alive datanode; then echo "hdfs: already running at $uri"; exit 0; fi
        write_conf
        if ! alive namenode; then
            for p in "$port" "$http_port"; do
                port_busy "$p" && { echo "hdfs: port $p is in use (set NAS_HDFS_PORT / NAS_HDFS_HTTP_PORT)" >&2; exit 1; }
            done
            if [[ ! -d "$dir/name/current" ]]; then
                java -cp "$(classpath)" "$(daemon_class namenode)" -format -nonInteractive -force \
                    >"$logs/format.log" 2>&1 || { echo "hdfs: format failed; see $logs/format.log" >&2; exit 1; }
            fi
            launch namenode
        fi
        alive datanode || launch datanode
        wait_ready datanode || { "$0" stop >/dev/null 2>&1; exit 1; }
        echo "hdfs: running at $uri (NameNode web UI http://127.0.0.1:$http_port)"
        echo "profile: $dir/profile.properties"
        ;;
    stop)
        stop_daemon datanode
        stop_daemon namenode
        ;;
    status)
        echo "hdfs: $uri"
        all=0
        for d in namenode datanode; do
            if alive "$d"; then echo "  $d: pid $(cat "$pids/$d.pid") alive"; else echo "  $d: not running"; all=3; fi
        done
        exit $all
        ;;
    start-datanode)
        alive namenode || { echo "hdfs: the NameNode is not running; use start" >&2; exit 1; }
        alive datanode || launch datanode
        wait_ready datanode
        echo "hdfs: datanode running (pid $(cat "$pids/datanode.pid"))"
        ;;
    stop-datanode)
        stop_daemon datanode
        ;;
esac
