#!/bin/sh
# Builds harden's container image (docs/container.md) from a Maven build's output:
#   sh src/main/docker/build-image.sh [--tag NAME:TAG] [--version V] [--target DIR]
# DIR (default target) holds classes/ and runtime-classpath.txt, which every 'mvn package' (and
# 'mvn test') writes; 'mvn -Pcontainer package' runs this script. DOCKER_HOST names the engine.
# The image is FROM scratch: a jlink'ed runtime, the shared libraries it links copied from this
# machine, harden's jars and a non-root user. An image already built from the same inputs (the
# label dev.harden.image.inputs holds their hash) is only tagged again, so a rebuild costs seconds.
# The jlink'ed runtime is kept under $HARDEN_IMAGE_CACHE (default ~/.cache/harden/image), keyed by
# the JDK and the module list. Prints the image's id on the last line of its output.
set -eu
# the modes the image gets are those of the files made here
umask 022
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
project=$(CDPATH= cd -- "$here/../../.." && pwd)
target="$project/target"
tag=""
version=""
while [ $# -gt 0 ]; do
    case "$1" in
        --tag) tag=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --target) target=$2; shift 2 ;;
        *) echo "build-image.sh: unknown option $1 (use --tag, --version, --target)" >&2; exit 2 ;;
    esac
done
classes="$target/classes"
classpath="$target/runtime-classpath.txt"
if [ ! -d "$classes/dev/harden" ] || [ ! -f "$classpath" ]; then
    echo "build-image.sh: $classes or $classpath is missing; run 'mvn -B package' first" >&2
    exit 2
fi
if [ -z "$version" ]; then
    version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$project/pom.xml" | sed -n 1p)
fi
[ -n "$tag" ] || tag="harden:$version"

# The modules harden and its libraries use (jdeps over target/classes and the runtime classpath),
# plus jdk.crypto.ec, which no class names but TLS to a forge or registry needs for its EC ciphers.
modules=java.base,java.logging,java.management,java.net.http,java.rmi,java.security.jgss,java.sql,jdk.crypto.ec,jdk.security.auth
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")}
[ -x "$jdk/bin/jlink" ] || { echo "build-image.sh: no jlink in $jdk (set JAVA_HOME to a JDK 17)" >&2; exit 2; }
release=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jdk/release")
case "$release" in
    17|17.*) ;;
    *) echo "build-image.sh: $jdk is Java $release; harden's image runs Java 17 (set JAVA_HOME to a JDK 17)" >&2; exit 2 ;;
esac
# No class data archive of the JDK's own: the image's archive (below) holds the JDK classes harden loads.
jlink_options="--strip-debug --strip-native-debug-symbols=objcopy=$(command -v objcopy || echo /usr/bin/objcopy) --no-header-files --no-man-pages"

sum() { sha256sum | cut -c1-64; }

cache=${HARDEN_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harden/image}
runtime_key=$( { cat "$jdk/release"; sha256sum "$jdk/lib/modules" "$jdk/bin/jlink"; echo "$modules $jlink_options"; } | sum | cut -c1-16)
runtime="$cache/java-$runtime_key"
if [ ! -f "$runtime/release" ]; then
    mkdir -p "$cache"
    partial="$runtime.partial.$$"
    rm -rf "$partial"
    # shellcheck disable=SC2086
    "$jdk/bin/jlink" --add-modules "$modules" $jlink_options --output "$partial" >/dev/null
    # -T: when another build made it meanwhile, keep that one rather than moving this one inside it
    mv -T "$partial" "$runtime" 2>/dev/null || rm -rf "$partial"
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp -a "$runtime" "$ctx/java"
# Debian's trust store (ca-certificates), which this machine keeps current, in place of the JDK's
if [ -f /etc/ssl/certs/java/cacerts ]; then
    cp /etc/ssl/certs/java/cacerts "$ctx/java/lib/security/cacerts"
fi
cp "$here/Dockerfile" "$ctx/Dockerfile"
mkdir -p "$ctx/lib"
for jar in $(tr ':' ' ' < "$classpath"); do
    cp "$jar" "$ctx/lib/"
done
# A fixed date makes the jar's bytes depend only on the classes, so the inputs hash below is stable.
# The version option reads Implementation-Version, as it does from the shaded jar's manifest.
printf 'Implementation-Version: %s\n' "$version" > "$ctx/MANIFEST.MF"
"$jdk/bin/jar" --create --file "$ctx/harden.jar" --manifest "$ctx/MANIFEST.MF" --date 2026-01-01T00:00:00Z -C "$classes" .
rm "$ctx/MANIFEST.MF"

root="$ctx/rootfs"
mkdir -p "$root/etc" "$root/tmp" "$root/work"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nharden:x:65532:65532:harden:/tmp:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nharden:x:65532:\n' > "$root/etc/group"
# Exactly the libraries the runtime links, at the paths the loader looks for them.
libs=$(find "$ctx/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null \
    | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }' | LC_ALL=C sort -u)
for lib in $libs; do
    case "$lib" in "$ctx"/*) continue ;; esac
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
if [ -d /usr/lib/locale/C.utf8 ]; then
    mkdir -p "$root/usr/lib/locale"
    cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
fi

revision=$(cat "$classes/dev/harden/commit.txt" 2>/dev/null || echo unknown)
# every path with its mode (so /tmp's 1777 counts), every file's content, and the labels' values
inputs=$( (cd "$ctx" && find . -printf '%m %p\n' | LC_ALL=C sort
          cd "$ctx" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
          echo "$version $revision") | sum | cut -c1-16)

export DOCKER_BUILDKIT=0
existing=$(docker image ls -q --no-trunc --filter "label=dev.harden.image.inputs=$inputs" | head -n 1)
if [ -n "$existing" ]; then
    docker tag "$existing" "$tag"
    echo "build-image.sh: $tag is the image already built from these inputs ($inputs)" >&2
else
    # The classes a run loads, listed on the examples as ./harden does it; the Dockerfile archives them
    # (AppCDS), which makes each start about a third faster. Only their names matter here, not where
    # they were loaded from, so this runtime and these jars list them on this machine.
    "$ctx/java/bin/java" -XX:DumpLoadedClassList="$ctx/harden.classlist" -XX:+UseSerialGC -cp "$ctx/harden.jar:$ctx/lib/*" \
        dev.harden.cli.Main fix --diff --offline --profile strict "$project/examples/compose" >/dev/null 2>&1 || true
    [ -s "$ctx/harden.classlist" ] || { echo "build-image.sh: listing the classes harden loads failed" >&2; exit 1; }
    docker build -q --build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "INPUTS=$inputs" \
        -t "$tag" "$ctx" >/dev/null
    echo "build-image.sh: built $tag from inputs $inputs" >&2
fi
docker image inspect --format '{{.Id}}' "$tag"
