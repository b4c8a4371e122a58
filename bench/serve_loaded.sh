#!/usr/bin/env bash
# Starts a release server on a free port with the benchmark tenant (`bench`, key `bench-key`,
# UTC, no retention, in memory) and imports FILE into it; prints "URL PID" once loaded.
#   bench/serve_loaded.sh FILE [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
FILE=$1
WORK=${2:-/tmp/beacon-bench}
mkdir -p "$WORK"
cat > "$WORK/loaded-config.json" <<JSON
{"server":{"host":"127.0.0.1","port":0,"body_limit_bytes":8388608},
 "rate_limits":{"ingest":{"requests":1000000000,"window_seconds":60},"api":{"requests":1000000000,"window_seconds":60},
                "sql":{"requests":1000000000,"window_seconds":60}},
 "tenants":[{"id":"bench","api_keys":["bench-key"],"timezone":"UTC","retention_days":0}]}
JSON
.build/release/beacon serve --config "$WORK/loaded-config.json" > "$WORK/loaded.out" 2> "$WORK/loaded.err" &
PID=$!
for _ in $(seq 1 600); do grep -q listening "$WORK/loaded.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$WORK/loaded.out")
[ -n "$URL" ] || { echo "serve_loaded: the server did not start; see $WORK/loaded.err" >&2; kill $PID; exit 1; }
.build/release/beacon import "$FILE" --url "$URL" --api-key bench-key --batch-size 1000 --concurrency 4 > "$WORK/loaded-import.txt" 2> /dev/null
# After an import the server still works beside the actors for a while (indexes, discoveries):
# measure only once it is idle, its CPU time flat over a second (at most 60 s of waiting).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
for _ in $(seq 1 60); do
  before=$(cpu_ticks); sleep 1; after=$(cpu_ticks)
  [ $((after - before)) -le 5 ] && break
done
echo "$URL $PID"
