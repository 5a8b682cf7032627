#!/usr/bin/env bash
# Start the local PostgreSQL 15 if it is down and create the qiangji role and database (idempotent).
set -euo pipefail
PGHOST=${PGHOST:-127.0.0.1}
if command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster 15 main status >/dev/null 2>&1 || pg_ctlcluster --skip-systemctl-redirect 15 main start \
    || pg_ctlcluster 15 main start
fi
for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -q && break; sleep 1; done
as_admin() { psql -h "$PGHOST" -U postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
[ "$(as_admin "SELECT 1 FROM pg_roles WHERE rolname='qiangji'")" = 1 ] \
  || as_admin "CREATE ROLE qiangji LOGIN CREATEDB PASSWORD 'qiangji'"
[ "$(as_admin "SELECT 1 FROM pg_database WHERE datname='qiangji'")" = 1 ] \
  || as_admin "CREATE DATABASE qiangji OWNER qiangji"
