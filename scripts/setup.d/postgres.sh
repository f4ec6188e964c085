#!/usr/bin/env bash
# Team mode (issue 14): the tests start a throwaway PostgreSQL cluster of their own (initdb in
# a temporary folder, a free port on 127.0.0.1) and stop it afterwards, so all they need is
# Debian 12's server package (PostgreSQL 15, with citext, pg_trgm and unaccent in it) and its
# psql. Debian's default cluster is not created (nothing uses one). Idempotent; run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v psql >/dev/null || need+=(postgresql-client-15)
# The TLS tests make their certificate authority and the server's certificate with openssl.
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  # No default cluster on port 5432: nothing here uses one.
  mkdir -p /etc/postgresql-common/createcluster.d
  [ -e /etc/postgresql-common/createcluster.d/shelfkeeper.conf ] \
    || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/shelfkeeper.conf
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# The test cluster's files belong to the `postgres` user the package creates (PostgreSQL
# refuses to run as root).
id postgres >/dev/null
