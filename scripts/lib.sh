# Shared by scripts/start, scripts/shutdown and scripts/task. Sourced, not run.
set -euo pipefail

DDL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DDL_RUN="$(realpath -m "${DDL_RUN:-$DDL_HOME/.run}")"
WORKER_JAR="$DDL_HOME/worker/target/ddl-worker.jar"
TASKS_JAR="$DDL_HOME/tasks/target/ddl-tasks.jar"
# Where the build unpacks TensorFlow's native library (see pom.xml, ddl.tensorflow.dir).
export TENSORFLOW_LIBRARY_PATH="${TENSORFLOW_LIBRARY_PATH:-$HOME/.cache/ddl/tensorflow-2.16.1}"
# DJL contacts the network when its engine starts unless both of these are set.
export OPT_OUT_TRACKING=true
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"

die() { echo "error: $*" >&2; exit 1; }
usage_error() { echo "error: $*" >&2; exit 2; } # a command line the script cannot use

java_feature() { # prints the feature version of a java binary, e.g. 21
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

# Sets JAVA to a Java 21+ binary and JAVA_HOME to its home: JAVA_HOME first, then /usr/lib/jvm/*, then PATH.
find_java() {
  local candidate home
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    if [ "$(java_feature "$home/bin/java")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$home"; JAVA="$home/bin/java"; return 0
    fi
  done
  candidate="$(command -v java || true)"
  if [ -n "$candidate" ] && [ "$(java_feature "$candidate")" -ge 21 ] 2>/dev/null; then
    JAVA="$candidate"; export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$candidate")")")"; return 0
  fi
  die "DDL needs a JDK 21 or newer and found none (looked at JAVA_HOME, /usr/lib/jvm/*, PATH).
Install one, e.g. Temurin 21 or 25 (https://adoptium.net) or your distribution's openjdk-21-jdk,
then set JAVA_HOME to it."
}

# Flags every DDL JVM gets: quiet native-access and Unsafe warnings, DJL offline.
java_opts() {
  JAVA_OPTS=(--enable-native-access=ALL-UNNAMED -Dai.djl.offline=true)
  if [ "$(java_feature "$JAVA")" -ge 24 ]; then
    JAVA_OPTS+=(--sun-misc-unsafe-memory-access=allow)
  fi
}

# Builds the jars (and unpacks TensorFlow's native library) when missing or older than the sources.
ensure_built() {
  local stale=""
  if [ -n "${DDL_NO_BUILD:-}" ]; then # tests run from inside a build: never start another one
    [ -f "$WORKER_JAR" ] && [ -f "$TASKS_JAR" ] || die "DDL_NO_BUILD is set but the jars are missing; run mvn package"
    return 0
  fi
  if [ ! -f "$WORKER_JAR" ] || [ ! -f "$TASKS_JAR" ] || [ ! -f "$TENSORFLOW_LIBRARY_PATH/libtensorflow_cc.so.2" ]; then
    stale=yes
  elif [ -n "$(find "$DDL_HOME"/{transport,worker,master,tasks}/src/main "$DDL_HOME"/*/pom.xml "$DDL_HOME/pom.xml" \
      -newer "$TASKS_JAR" -type f 2>/dev/null | head -n1)" ]; then
    stale=yes
  fi
  if [ -n "$stale" ]; then
    command -v mvn >/dev/null || die "Maven is needed to build DDL; install it (apt-get install maven)"
    echo "building DDL (mvn package; the first build downloads dependencies and unpacks TensorFlow)..." >&2
    (cd "$DDL_HOME" && mvn -q -DskipTests package) >&2 || die "the build failed; run 'mvn package' to see why"
  fi
}

cluster_tool() { # a short-lived JVM: quick start matters more than peak speed
  "$JAVA" "${JAVA_OPTS[@]}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$TASKS_JAR" ddl.master.ClusterTool "$@"
}

# Whether a host name or address belongs to this machine.
is_local_host() {
  local host="$1" addr
  case "$host" in
    localhost|127.*|::1|"$(hostname)"|"$(hostname -f 2>/dev/null || true)") return 0 ;;
  esac
  for addr in $(hostname -I 2>/dev/null || true); do
    [ "$addr" = "$host" ] && return 0
  done
  return 1
}

port_in_use() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# --- Worker processes on this machine. A worker started by scripts/start is a JVM running
# ddl-worker.jar under scripts/supervise, which writes $DDL_RUN/worker-<port>.pid (its own pid).

cmdline() { # pid: its command line, arguments separated by spaces
  tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" || true
}

is_worker_jvm() { # pid
  case "$(cmdline "$1")" in *ddl-worker.jar*|*ddl.worker.WorkerMain*) return 0 ;; esac
  return 1
}

is_supervisor() { # pid
  case "$(cmdline "$1")" in *scripts/supervise*) return 0 ;; esac
  return 1
}

is_stopped() { # pid: whether it is stopped by a signal (kill -STOP)
  [ "$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)" = T ]
}

alive() { # pid
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null
}

# The pid of the process listening on TCP port $1 of this machine (any address), or nothing.
listener_pid() {
  local hex inode
  hex="$(printf '%04X' "$1")"
  inode="$(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10; exit }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
  [ -n "$inode" ] && [ "$inode" != 0 ] || return 0
  { find /proc/[0-9]*/fd -lname "socket:\[$inode\]" 2>/dev/null || true; } | head -n1 | cut -d/ -f3
}

# One line "pid port name" per supervisor of this run folder's workers, found by command line (so
# also when a pid file was deleted).
run_supervisors() {
  local file pid args i name pidfile port
  for file in $(grep -lsaF -- "$DDL_RUN/worker-" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid="${file#/proc/}"; pid="${pid%/cmdline}"
    is_supervisor "$pid" || continue
    mapfile -d '' -t args 2>/dev/null <"/proc/$pid/cmdline" || continue
    name="" pidfile=""
    for ((i = 0; i + 1 < ${#args[@]}; i++)); do
      case "${args[$i]}" in
        --name) name="${args[$((i + 1))]}" ;;
        --pidfile) pidfile="${args[$((i + 1))]}" ;;
        --) break ;;
      esac
    done
    [[ "$pidfile" == "$DDL_RUN/worker-"*.pid ]] || continue
    port="${pidfile#"$DDL_RUN/worker-"}"
    echo "$pid ${port%.pid} $name"
  done
}

supervisor_pid() { # port: the pid of the supervisor of this run folder's worker on it, or nothing
  local pid port name
  while read -r pid port name; do
    if [ "$port" = "$1" ]; then echo "$pid"; return 0; fi
  done < <(run_supervisors)
}

# The worker JVM a supervisor runs at the moment, or nothing (between restarts).
supervised_jvm() {
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    if is_worker_jvm "$child"; then echo "$child"; return 0; fi
  done
}

any_stopped() { # pid...: whether one of them is stopped (empty arguments are skipped)
  local pid
  for pid in "$@"; do [ -n "$pid" ] && is_stopped "$pid" && return 0; done
  return 1
}

any_alive() { # pid...
  local pid
  for pid in "$@"; do alive "$pid" && return 0; done
  return 1
}

wait_gone() { # seconds pid...: waits until none of the pids is alive; fails if one still is then
  local deadline=$((SECONDS + $1))
  shift
  while any_alive "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# --- The dashboard. scripts/start runs it under scripts/supervise, which writes
# $DDL_RUN/dashboard.pid (its own pid) and appends its output to $DDL_RUN/dashboard.log.
DASHBOARD_PIDFILE="$DDL_RUN/dashboard.pid"

is_dashboard_jvm() { # pid
  case "$(cmdline "$1")" in *ddl.master.dashboard.DashboardMain*) return 0 ;; esac
  return 1
}

# The pid of this run folder's dashboard supervisor (also when its pid file was deleted), or nothing.
dashboard_supervisor() {
  local file pid
  pid="$(cat "$DASHBOARD_PIDFILE" 2>/dev/null || true)"
  if alive "$pid" && is_supervisor "$pid"; then echo "$pid"; return 0; fi
  for file in $(grep -lsaF -- "$DASHBOARD_PIDFILE" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid="${file#/proc/}"; pid="${pid%/cmdline}"
    if is_supervisor "$pid"; then echo "$pid"; return 0; fi
  done
}

# The dashboard JVM a supervisor runs at the moment, or nothing.
supervised_dashboard() {
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    if is_dashboard_jvm "$child"; then echo "$child"; return 0; fi
  done
}
