#!/usr/bin/env bash
# Fuzzes a live release server with schemathesis, generating requests from the description it
# serves at /openapi.json. Fails when schemathesis reports a failure (a 5xx, an answer the
# description does not allow) or when the server dies during the run.
#   FUZZ_EXAMPLES  test cases per operation (default 30)
#   FUZZ_SEED      the seed; the same seed and versions replay the same inputs (default 20261129)
#   FUZZ_TIMEOUT   seconds the run may take before it counts as failed (default 540)
#   FUZZ_ARGS      more `st run` options, e.g. "--exclude-path /api/live" to look past a known crash
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EXAMPLES=${FUZZ_EXAMPLES:-30}
SEED=${FUZZ_SEED:-20261129}
TIMEOUT=${FUZZ_TIMEOUT:-540}
BINARY="$ROOT/.build/release/beacon"
[ -x "$BINARY" ] || { echo "run_schemathesis: $BINARY is missing; build it with 'make release'" >&2; exit 2; }
TOOLS=$("$ROOT/Tests/fuzz/tools.sh")
WORK="$ROOT/.build/fuzz"
rm -rf "$WORK" && mkdir -p "$WORK"

# In memory (no storage section); limits high enough that fuzzing is never throttled.
cat > "$WORK/config.json" <<'JSON'
{
  "server": { "host": "127.0.0.1", "port": 0, "admin_keys": ["fuzz-admin-key"], "stream_max_seconds": 1 },
  "rate_limits": {
    "ingest": { "requests": 100000000, "window_seconds": 60 },
    "api": { "requests": 100000000, "window_seconds": 60 },
    "auth": { "requests": 100000000, "window_seconds": 60 },
    "sql": { "requests": 100000000, "window_seconds": 60 }
  },
  "tenants": [ { "id": "fuzz", "name": "Fuzz", "api_keys": ["fuzz-key"], "timezone": "Europe/Paris" } ]
}
JSON

"$BINARY" serve --config "$WORK/config.json" --port 0 > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER=$!
stop_server() { kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
trap stop_server EXIT

# shellcheck source=../support/await_listening.sh
. "$ROOT/Tests/support/await_listening.sh"
await_listening run_schemathesis "$WORK" "$SERVER"
echo "run_schemathesis: fuzzing $URL (seed $SEED, $EXAMPLES examples per operation)"

# A little data, so event types, users, accounts and saved objects the examples name exist.
"$TOOLS/python3" "$ROOT/Tests/fuzz/seed_data.py" "$URL" fuzz-key fuzz-admin-key

set +e
# From the work directory, so whatever schemathesis writes stays under .build. One worker: the
# generator is not thread-safe (hypothesis trips over itself with two) and one keeps a seed replayable.
cd "$WORK"
timeout "$TIMEOUT" "$TOOLS/st" --config-file "$ROOT/Tests/fuzz/schemathesis.toml" --no-color run "$URL/openapi.json" --url "$URL" \
    -H "x-api-key: fuzz-key" -H "x-admin-key: fuzz-admin-key" -H "X-Workspace-ID: fuzz" \
    --seed "$SEED" --max-examples "$EXAMPLES" \
    --phases examples,coverage,fuzzing --workers 1 --request-timeout 20 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --suppress-health-check all --generation-database none --generation-with-security-parameters false \
    --report junit,ndjson --report-dir "$WORK/report" ${FUZZ_ARGS:-}
FUZZ_STATUS=$?
set -e

if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "run_schemathesis: the server died during the run (a crash is a failure); the failure and the crashed thread:" >&2
    awk '/crashed:/ { n = 12 } n > 0 { print; n--; next } /Fatal error|runtime failure/ { print }' "$WORK/server.err" >&2
    echo "run_schemathesis: the full log is $WORK/server.err; schemathesis lists the last requests above" >&2
    SERVER_STATUS=0; wait "$SERVER" 2>/dev/null || SERVER_STATUS=$?
    echo "run_schemathesis: the server exited with status $SERVER_STATUS" >&2
    trap - EXIT
    exit 1
fi
stop_server
trap - EXIT
if [ "$FUZZ_STATUS" -eq 124 ]; then
    echo "run_schemathesis: schemathesis did not finish within $TIMEOUT s" >&2
    exit 1
fi
if [ "$FUZZ_STATUS" -ne 0 ]; then
    echo "run_schemathesis: schemathesis reported failures (exit $FUZZ_STATUS); reports in $WORK/report" >&2
    exit 1
fi
echo "run_schemathesis: no failures"
