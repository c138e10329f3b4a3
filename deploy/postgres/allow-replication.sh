#!/bin/sh
# Run once by the postgres image when it creates the database (docker-entrypoint-initdb.d): let the
# read replica of docker-compose.yml's profile "scale" stream from this server, with a password.
set -eu
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
