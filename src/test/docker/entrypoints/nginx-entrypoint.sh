#!/bin/sh
# Like the official nginx image's entrypoint: runs as whatever user starts it and execs nginx, whose
# master stays root and switches its workers to www-data.
set -e
echo "nginx-entrypoint: starting as uid $(id -u)"
exec "$@"
