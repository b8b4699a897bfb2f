# Shared by the cluster scripts and bin/nas (sourced, not run): where the jobs jar lives,
# building it when it is missing or older than the sources, and small process and port checks.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/jobs/target"
jar="$target/nas-jobs.jar"

jar_stale() {
    [[ ! -f "$jar" || ! -f "$target/spark-classpath.txt" || ! -f "$target/jvm-options.txt" \
        || ! -f "$target/hdfs-classpath.txt" ]] && return 0
    [[ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src/main "$root/jobs/src/build" \
        -newer "$jar" -type f -print -quit 2>/dev/null)" ]]
}

ensure_jar() {
    jar_stale || return 0
    command -v mvn >/dev/null || { echo "$1: Maven is missing; run bin/setup first" >&2; exit 2; }
    mkdir -p "$root/.nas"
    (
        flock 9
        if jar_stale; then
            echo "$1: building the jobs jar (first run takes a minute or two)..." >&2
            # Maven 3.8 writes colour resets even when quiet and not on a terminal: dropped
            (cd "$root" && mvn -B -q -DskipTests package 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; exit "${PIPESTATUS[0]}") >&2
        fi
    ) 9>"$root/.nas/build.lock"
}

# libtorch's own warnings (NNPACK failing to start on CPUs it does not know, a deprecation notice)
# come at every start, before a job's first progress line. libtorch reads its log level only
# when Python starts it (TORCH_CPP_LOG_LEVEL does nothing under DJL), so unless the job's
# arguments include --verbose, the caller's stderr drops the lines of libtorch's warning format:
#   [W1205 06:11:46.935901168 NNPACK.cpp:57] Could not initialize NNPACK! ...
quiet_libtorch() {
    local arg
    for arg in "$@"; do
        [[ "$arg" == --verbose ]] && return 0
    done
    exec 2> >(grep --line-buffered -v -E '^\[W[0-9]{4} [0-9:.]+ [^ ]+:[0-9]+\] ' >&2)
}

# Whether PID is a live process whose command line matches the grep PATTERN: a pid from a pid
# file that is still the daemon it was written for, not a number the kernel gave to another.
pid_runs() {
    local pid="$1" pattern="$2"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$pattern"
}

# Whether something listens on TCP PORT.
port_busy() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }
