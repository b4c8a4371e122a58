#!/usr/bin/env bash
# Builds the ingest parser (CIngest) with libFuzzer and AddressSanitizer using the Swift
# toolchain's clang, and fuzzes it from the committed seed corpus for SECONDS seconds
# (default 300). New inputs go to .build/fuzz/corpus; a crash leaves its input in .build/fuzz.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-300}
CLANG=${CLANG:-$(dirname "$(readlink -f "$(command -v swift)")")/clang++}
OUT=.build/fuzz
mkdir -p "$OUT/corpus"
"$CLANG" -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I Sources/CIngest/include Sources/CIngest/CIngest.cpp Sources/CIngest/SDKTranslate.cpp Tests/fuzz/ingest_fuzzer.cpp -lsimdjson -o "$OUT/ingest_fuzzer"
echo "fuzzing CIngest for $SECONDS_TO_RUN s" >&2
"$OUT/ingest_fuzzer" -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$OUT/" "$OUT/corpus" Tests/fuzz/corpus/ingest
