#!/usr/bin/env bash
# Sends events through the official client libraries of Segment, RudderStack, PostHog, Amplitude
# and Mixpanel (pinned, from PyPI, installed under .build) to a live release server, then checks
# through Beacon's native API that what each library sent is what Beacon answers, counts exact.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BINARY="$ROOT/.build/release/beacon"
[ -x "$BINARY" ] || { echo "run_sdk_clients: $BINARY is missing; build it with 'make release'" >&2; exit 2; }
REQUIREMENTS="segment-analytics-python==2.4.0 rudder-sdk-python==2.1.9 posthog==7.91.1 amplitude-analytics==1.3.0 mixpanel==5.4.1"
VENV="$ROOT/.build/sdk-venv"
# shellcheck source=../support/pinned_venv.sh
. "$ROOT/Tests/support/pinned_venv.sh"
pinned_venv "$VENV" "$REQUIREMENTS"
WORK="$ROOT/.build/sdk-clients"
rm -rf "$WORK" && mkdir -p "$WORK"
cat > "$WORK/config.json" <<'JSON'
{
  "server": { "host": "127.0.0.1", "port": 0 },
  "rate_limits": { "ingest": { "requests": 100000, "window_seconds": 60 }, "api": { "requests": 100000, "window_seconds": 60 } },
  "tenants": [ { "id": "sdk", "api_keys": ["sdk-key"], "public_keys": ["sdk-public"] } ]
}
JSON
"$BINARY" serve --config "$WORK/config.json" --port 0 > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER=$!
trap 'kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
# shellcheck source=../support/await_listening.sh
. "$ROOT/Tests/support/await_listening.sh"
await_listening run_sdk_clients "$WORK" "$SERVER"
timeout 300 "$VENV/bin/python" "$ROOT/Tests/sdk/sdk_clients.py" "$URL" sdk-key sdk-public
