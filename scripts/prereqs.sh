# Installs what DDL needs from Debian's packages when it is missing. Sourced by scripts/test and
# scripts/demo after lib.sh.

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (or install it yourself)"; fi
}

apt_install() { # package...
  command -v apt-get >/dev/null || die "install these packages yourself: $*"
  echo "installing $* from Debian's packages..." >&2
  as_root apt-get update -qq >&2 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

install_prereqs() {
  command -v mvn >/dev/null || apt_install maven
  [ -d /usr/share/datasets/fashion-mnist ] || apt_install dataset-fashion-mnist
  command -v ip >/dev/null || apt_install iproute2
  command -v openssl >/dev/null || apt_install openssl
  if ! (find_java) 2>/dev/null; then
    # Debian 13 and Ubuntu ship OpenJDK 21 or 25; Debian 12 has neither (install Temurin there).
    apt_install openjdk-25-jdk-headless 2>/dev/null || apt_install openjdk-21-jdk-headless 2>/dev/null || true
  fi
  find_java
  if [ "$(java_feature "$JAVA")" -ge 24 ]; then
    # Maven's own libraries use sun.misc.Unsafe; keep newer JDKs quiet about it.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
