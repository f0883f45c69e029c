# Settings and helpers shared by runtime-up and runtime-down. Source this
# file from bash rather than executing it.
# The variables set here are read by the scripts that source this file.
# shellcheck shell=bash disable=SC2034
#
# Everything the private containerd owns lives under one state directory,
# so it never touches a system containerd at /run/containerd.

RUNTIME_DIR="${CRICTL_RS_RUNTIME_DIR:-/var/tmp/crictl-rs-containerd}"

# Upper bound in seconds for each wait (socket, CRI plugin, process exit).
RUNTIME_TIMEOUT="${CRICTL_RS_RUNTIME_TIMEOUT:-30}"

PAUSE_IMAGE="registry.k8s.io/pause:3.6"
BUSYBOX_IMAGE="docker.io/library/busybox:latest"
CRI_NAMESPACE="k8s.io"

# The name of the CNI network, which is also the prefix of libcni's cache
# files in /var/lib/cni/results that runtime-down removes.
CNI_NETWORK_NAME="crictl-rs"

# Set PATH explicitly because containerd finds runc and the shim through it,
# and the CNI plugins find iptables in /usr/sbin.
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# Print a progress message on stderr, so stdout carries only the endpoint.
log() {
    echo "${SCRIPT_NAME}: $*" >&2
}

die() {
    echo "${SCRIPT_NAME}: error: $*" >&2
    exit 1
}

# Set the paths derived from RUNTIME_DIR and check that they are usable.
init_runtime_paths() {
    case "$RUNTIME_DIR" in
        /*) ;;
        *) die "CRICTL_RS_RUNTIME_DIR must be an absolute path, got '$RUNTIME_DIR'" ;;
    esac
    # Strip trailing slashes so the mount and process matching below compare
    # exact strings.
    while [[ "$RUNTIME_DIR" == */ && "$RUNTIME_DIR" != / ]]; do
        RUNTIME_DIR="${RUNTIME_DIR%/}"
    done
    if [[ "$RUNTIME_DIR" == / ]]; then
        die "CRICTL_RS_RUNTIME_DIR must not be /"
    fi
    # The path goes unquoted into TOML, JSON and /proc/self/mountinfo
    # matching, so only characters that need no escaping in any of them pass.
    if [[ ! "$RUNTIME_DIR" =~ ^[A-Za-z0-9._/+-]+$ ]]; then
        die "CRICTL_RS_RUNTIME_DIR '$RUNTIME_DIR' contains characters other than letters, digits and ._/+-"
    fi

    CONFIG_FILE="$RUNTIME_DIR/config.toml"
    SOCKET="$RUNTIME_DIR/containerd.sock"
    TTRPC_SOCKET="$RUNTIME_DIR/containerd.sock.ttrpc"
    PID_FILE="$RUNTIME_DIR/containerd.pid"
    LOG_FILE="$RUNTIME_DIR/containerd.log"
    ENDPOINT_FILE="$RUNTIME_DIR/endpoint"
    CNI_CONF_DIR="$RUNTIME_DIR/cni/net.d"
    CNI_CONFLIST="$CNI_CONF_DIR/10-$CNI_NETWORK_NAME.conflist"
    CNI_IPAM_DIR="$RUNTIME_DIR/cni/ipam"
    RUNC_ROOT="$RUNTIME_DIR/runc"
    # The lock file sits beside the state directory because runtime-down
    # deletes the directory while holding the lock.
    LOCK_FILE="$RUNTIME_DIR.lock"

    # A unix socket path is limited to 107 bytes on Linux (sun_path is 108
    # bytes with the terminating NUL), and the ttrpc socket name is the longest.
    if (( ${#TTRPC_SOCKET} > 107 )); then
        die "socket path '$TTRPC_SOCKET' is longer than the 107-byte unix socket limit; choose a shorter CRICTL_RS_RUNTIME_DIR"
    fi
}

# Serialize runtime-up and runtime-down on the same state directory.
take_runtime_lock() {
    exec {RUNTIME_LOCK_FD}>"$LOCK_FILE"
    if ! flock -w "$RUNTIME_TIMEOUT" "$RUNTIME_LOCK_FD"; then
        die "timed out after ${RUNTIME_TIMEOUT}s waiting for the lock $LOCK_FILE held by another runtime-up or runtime-down"
    fi
}

ctr_private() {
    ctr --address "$SOCKET" "$@"
}

# Succeed if PID is a containerd started with this state directory's config.
# Checking the command line guards against a reused PID in a stale pid file.
is_our_containerd() {
    local pid="$1"
    local -a args
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    mapfile -d '' -t args < "/proc/$pid/cmdline" 2>/dev/null || return 1
    (( ${#args[@]} > 0 )) || return 1
    [[ "$(basename -- "${args[0]}")" == containerd ]] || return 1
    local i
    for (( i = 1; i < ${#args[@]}; i++ )); do
        if [[ "${args[i]}" == --config && "${args[i+1]:-}" == "$CONFIG_FILE" ]]; then
            return 0
        fi
        if [[ "${args[i]}" == "--config=$CONFIG_FILE" ]]; then
            return 0
        fi
    done
    return 1
}

# Print the PIDs of every containerd running with this config, one a line.
# The pid file names the one runtime-up started, and the scan also finds one
# whose pid file was lost.
find_our_containerd_pids() {
    local pid
    if [[ -f "$PID_FILE" ]]; then
        pid="$(cat "$PID_FILE" 2>/dev/null || true)"
        if is_our_containerd "$pid"; then
            echo "$pid"
        fi
    fi
    local dir
    for dir in /proc/[0-9]*; do
        pid="${dir#/proc/}"
        if [[ -f "$PID_FILE" && "$pid" == "$(cat "$PID_FILE" 2>/dev/null || true)" ]]; then
            continue
        fi
        if is_our_containerd "$pid"; then
            echo "$pid"
        fi
    done
}

# Succeed if containerd responds on the gRPC socket within a few seconds.
socket_responds() {
    [[ -S "$SOCKET" ]] || return 1
    ctr_private --connect-timeout 2s --timeout 5s version >/dev/null 2>&1
}
