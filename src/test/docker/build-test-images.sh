#!/bin/sh
# Builds the local images harden's engine tests run, unless the engine already has them:
#   local/busybox:static        busybox-static root, runs as root
#   local/nginx:deb             Debian's nginx; master root, workers www-data (like the official nginx image)
#   local/nginx:deb-user        the same nginx as www-data from the start (like nginx-unprivileged)
#   local/postgres:deb          Debian's PostgreSQL; root entrypoint prepares PGDATA, steps down with setpriv
#   local/postgres:deb-user     the same as postgres (999) from the start
#   local/redis:deb             Debian's redis-server; root entrypoint chowns /data, steps down with setpriv
#   local/redis:deb-user        the same as redis (998) from the start
# One debootstrap root holds all three packages, so the Debian part is bootstrapped once and cached
# under $HARDEN_TEST_CACHE (default /var/cache/harden-test). Needs root, debootstrap, busybox-static and
# a docker client; DOCKER_HOST names the engine. Exit 0 when every image is there.
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
cache=${HARDEN_TEST_CACHE:-/var/cache/harden-test}
mirror=${HARDEN_TEST_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
# The classic builder: the tests only need FROM/COPY/USER/CMD, and no buildx plugin is assumed.
export DOCKER_BUILDKIT=0

have() { docker image inspect "$1" >/dev/null 2>&1; }

all="local/busybox:static local/nginx:deb local/nginx:deb-user local/postgres:deb local/postgres:deb-user local/redis:deb local/redis:deb-user"
missing=""
for image in $all; do have "$image" || missing="$missing $image"; done
[ -z "$missing" ] && exit 0
mkdir -p "$cache"

if ! have local/busybox:static; then
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/data" "$root/proc" "$root/sys" "$root/dev"
    chmod 1777 "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    for applet in $("$root/bin/busybox" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
    tar -C "$root" -c . | docker import -c 'CMD ["sh","-c","echo busybox up; exec sleep 3600"]' - local/busybox:static >/dev/null
    rm -rf "$root"
fi

base="$cache/rootfs-$suite"
if ! have local/debian-base:harden; then
    if [ ! -f "$base/.complete" ]; then
        rm -rf "$base.partial"
        debootstrap --variant=minbase "$suite" "$base.partial" "$mirror" >"$cache/debootstrap.log" 2>&1 \
            || { echo "debootstrap failed; see $cache/debootstrap.log" >&2; exit 1; }
        # No service starts inside the chroot, and no cluster is made at install time: the entrypoint
        # runs initdb into PGDATA the way the official image does.
        printf '#!/bin/sh\nexit 101\n' > "$base.partial/usr/sbin/policy-rc.d"
        chmod 755 "$base.partial/usr/sbin/policy-rc.d"
        mkdir -p "$base.partial/etc/postgresql-common"
        echo 'create_main_cluster = false' > "$base.partial/etc/postgresql-common/createcluster.conf"
        chroot "$base.partial" sh -e -c '
            groupadd -r -g 999 postgres && useradd -r -u 999 -g 999 -d /var/lib/postgresql -s /bin/bash postgres
            groupadd -r -g 998 redis && useradd -r -u 998 -g 998 -d /var/lib/redis -s /usr/sbin/nologin redis
            apt-get update -q
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light postgresql redis-server
            apt-get clean
            rm -rf /var/lib/apt/lists/*' >"$cache/packages.log" 2>&1 \
            || { echo "installing nginx, postgresql and redis failed; see $cache/packages.log" >&2; exit 1; }
        rm -f "$base.partial/usr/sbin/policy-rc.d"
        touch "$base.partial/.complete"
        mv "$base.partial" "$base"
    fi
    tar -C "$base" --exclude=./.complete -c . | docker import - local/debian-base:harden >/dev/null
fi

ctx=$(mktemp -d)
cp "$here"/entrypoints/* "$ctx/"
build() {
    tag=$1
    from=$2
    shift 2
    have "$tag" && return 0
    printf '%s\n' "FROM $from" "$@" > "$ctx/Dockerfile"
    docker build -q -t "$tag" "$ctx" >"$cache/build.log" 2>&1 || { cat "$cache/build.log" >&2; exit 1; }
}
path='ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
build local/nginx:deb local/debian-base:harden "$path" \
    'COPY nginx-entrypoint.sh nginx-unprivileged.conf /usr/local/bin/' \
    'RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log' \
    'ENTRYPOINT ["/usr/local/bin/nginx-entrypoint.sh"]' \
    'CMD ["nginx", "-g", "daemon off;"]'
build local/nginx:deb-user local/nginx:deb \
    'USER 33:33' \
    'CMD ["nginx", "-c", "/usr/local/bin/nginx-unprivileged.conf", "-g", "daemon off;"]'
build local/postgres:deb local/debian-base:harden "$path" \
    'COPY postgres-entrypoint.sh /usr/local/bin/' \
    'ENV PGDATA=/var/lib/postgresql/data' \
    'RUN mkdir -p /var/lib/postgresql/data && chmod 755 /var/lib/postgresql/data' \
    'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]' \
    'CMD ["postgres"]'
build local/postgres:deb-user local/postgres:deb \
    'RUN chown 999:999 /var/lib/postgresql/data && chmod 700 /var/lib/postgresql/data && mkdir -p /run/postgresql && chown 999:999 /run/postgresql && chmod 3777 /run/postgresql' \
    'USER 999:999'
build local/redis:deb local/debian-base:harden "$path" \
    'COPY redis-entrypoint.sh /usr/local/bin/' \
    'RUN mkdir -p /data' \
    'WORKDIR /data' \
    'ENTRYPOINT ["/usr/local/bin/redis-entrypoint.sh"]' \
    'CMD ["redis-server", "--protected-mode", "no"]'
build local/redis:deb-user local/redis:deb \
    'RUN chown 998:998 /data' \
    'USER 998:998'
rm -rf "$ctx"
