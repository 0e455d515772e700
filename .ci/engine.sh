#!/usr/bin/env bash
# Best effort, idempotent: installs Debian's docker.io, debootstrap and busybox-static when missing,
# starts dockerd on a private socket unless one already answers there, and builds the local test
# images (cached in the engine, and the Debian root under /var/cache/harden-test). Never fails:
# without an engine the engine tests skip. Source it to get HARDEN_TEST_DOCKER_HOST exported.
sock=/tmp/harden-dkr.sock
state=${HARDEN_TEST_CACHE:-/var/cache/harden-test}
export HARDEN_TEST_DOCKER_HOST="unix://$sock"

harden_engine() {
    if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1 || [ ! -x /bin/busybox ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            apt-get update -q >/dev/null 2>&1
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io debootstrap busybox-static >/dev/null 2>&1 \
                || echo "ci: could not install docker.io, debootstrap and busybox-static; engine tests will skip" >&2
        fi
    fi
    command -v dockerd >/dev/null 2>&1 || return 0
    if ! DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; then
        mkdir -p "$state/dkr-data" /tmp/harden-dkr-exec
        # its own session: a daemon left in the caller's process group dies when that group is stopped
        setsid nohup dockerd --host "unix://$sock" --data-root "$state/dkr-data" --exec-root /tmp/harden-dkr-exec \
            --pidfile /tmp/harden-dkr.pid --iptables=false --bridge=none >/tmp/harden-dkr.log 2>&1 &
        for _ in $(seq 1 30); do
            DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1 && break
            sleep 1
        done
    fi
    if DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; then
        DOCKER_HOST="unix://$sock" sh src/test/docker/build-test-images.sh \
            || echo "ci: the local test images could not be built; engine tests will skip" >&2
    else
        echo "ci: dockerd did not start (see /tmp/harden-dkr.log); engine tests will skip" >&2
    fi
    return 0
}
harden_engine || true
