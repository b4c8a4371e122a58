#!/usr/bin/env bash
# Drives Beacon's pages in headless Chromium (Debian's, through playwright from PyPI): the
# tracker on test pages served from another origin, and the dashboard. Screenshots land in
# .build/browser/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BINARY="$ROOT/.build/release/beacon"
[ -x "$BINARY" ] || { echo "run_browser_tests: $BINARY is missing; build it with 'make release'" >&2; exit 2; }
CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || { echo "run_browser_tests: chromium is missing (make browser-deps installs it)" >&2; exit 2; }
REQUIREMENTS="playwright==1.65.3"
VENV="$ROOT/.build/browser-venv"
# shellcheck source=../support/pinned_venv.sh
. "$ROOT/Tests/support/pinned_venv.sh"
pinned_venv "$VENV" "$REQUIREMENTS"
OUT="$ROOT/.build/browser"
rm -rf "$OUT" && mkdir -p "$OUT"
CHROMIUM="$CHROMIUM" timeout 600 "$VENV/bin/python" "$ROOT/Tests/browser/browser_tests.py" "$BINARY" "$OUT" "$@"
