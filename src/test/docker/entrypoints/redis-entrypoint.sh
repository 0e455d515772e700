#!/bin/sh
# Like docker-library/redis 7's docker-entrypoint.sh: as root, give the working folder (/data) to
# redis and step down (setpriv here, gosu there); otherwise run as the user given.
set -e
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
exec "$@"
