# Shared by scripts/image and scripts/test-containers: the Podman stack and where its caches are.
# Sourced after lib.sh and prereqs.sh, not run.

# Podman reads only the project's settings (runc, ulimits a sandboxed host allows).
export CONTAINERS_CONF="${CONTAINERS_CONF:-$DDL_HOME/deploy/podman/containers.conf}"
# The base image tarball, the stripped TensorFlow library and the build context live here.
DDL_IMAGE_CACHE="${DDL_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ddl/image}"
DDL_IMAGE="${DDL_IMAGE:-localhost/ddl:latest}"

# Whether this machine can run containers at all: Podman here runs rootful containers only, and
# comes from Debian's packages when it is not installed.
can_run_containers() {
  [ "$(id -u)" -eq 0 ] && { command -v podman >/dev/null || command -v apt-get >/dev/null; }
}

# Installs Podman with runc, mmdebstrap (the base image), binutils (strip) and iptables when missing.
install_container_prereqs() {
  local missing=() tool
  # netavark (Podman's networks) runs iptables to set up a network's rules.
  for tool in podman:podman runc:runc mmdebstrap:mmdebstrap strip:binutils iptables:iptables; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
  done
  [ -x /usr/lib/podman/netavark ] || [ -x /usr/libexec/podman/netavark ] || missing+=(netavark)
  [ -x /usr/lib/podman/aardvark-dns ] || [ -x /usr/libexec/podman/aardvark-dns ] || missing+=(aardvark-dns)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
}
