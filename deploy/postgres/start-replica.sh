#!/bin/sh
# The read replica of docker-compose.yml's profile "scale": the first start copies the db service
# with pg_basebackup -R (which makes the copy a standby that streams from it); every start then runs
# it as a hot standby, read-only, replaying the primary's changes as they come.
set -eu
export PGDATA="${PGDATA:-/var/lib/postgresql/18/docker}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 0700 "$PGDATA"
  until pg_isready -h db -U "$POSTGRES_USER" -q; do sleep 1; done
  gosu postgres env PGPASSWORD="$POSTGRES_PASSWORD" \
    pg_basebackup -h db -U "$POSTGRES_USER" -D "$PGDATA" -R -X stream --checkpoint=fast
fi
exec gosu postgres postgres -c hot_standby=on
