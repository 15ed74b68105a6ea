# Shared by scripts/start, scripts/shutdown and scripts/task. Sourced, not run.
set -euo pipefail

DDL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DDL_RUN="${DDL_RUN:-$DDL_HOME/.run}"
WORKER_JAR="$DDL_HOME/worker/target/ddl-worker.jar"
TASKS_JAR="$DDL_HOME/tasks/target/ddl-tasks.jar"
# Where the build unpacks TensorFlow's native library (see pom.xml, ddl.tensorflow.dir).
export TENSORFLOW_LIBRARY_PATH="${TENSORFLOW_LIBRARY_PATH:-$HOME/.cache/ddl/tensorflow-2.16.1}"
# DJL contacts the network when its engine starts unless both of these are set.
export OPT_OUT_TRACKING=true
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"

die() { echo "error: $*" >&2; exit 1; }

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

cluster_tool() {
  "$JAVA" "${JAVA_OPTS[@]}" -cp "$TASKS_JAR" ddl.master.ClusterTool "$@"
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
