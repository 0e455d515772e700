#!/bin/sh
# Like docker-library/postgres's docker-entrypoint.sh: as root, make PGDATA and the socket folder
# the postgres user's and step down (setpriv here, gosu there); then initdb once and exec postgres.
set -e
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    chmod 3777 /var/run/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ "$1" = postgres ]; then
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
        initdb --username=postgres --auth=trust -D "$PGDATA" >/dev/null
        echo "postgres-entrypoint: initialised $PGDATA"
    fi
    exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
fi
exec "$@"
