#!/usr/bin/env bash
# How long `manage.py demo` takes on a fresh database (the first `make run` pays it once).
# Usage: bench/demo.sh [DATABASE_URL]   (default: a throwaway SQLite file)
# Prints the wall-clock seconds of migrate and of demo, three runs each on a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:-sqlite:///$(pwd)/var/bench-demo.sqlite3}"
for run in 1 2 3; do
  rm -f var/bench-demo.sqlite3
  if [[ "$url" == postgres* ]]; then
    db="${url##*/}"; psql "${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  fi
  start=$(date +%s%N)
  DATABASE_URL="$url" .venv/bin/python manage.py migrate --noinput -v 0
  mid=$(date +%s%N)
  DATABASE_URL="$url" QIANGJI_MEDIA_ROOT="$(mktemp -d)" .venv/bin/python manage.py demo >/dev/null
  end=$(date +%s%N)
  echo "run $run: migrate $(( (mid - start) / 1000000 )) ms, demo $(( (end - mid) / 1000000 )) ms"
done
rm -f var/bench-demo.sqlite3
