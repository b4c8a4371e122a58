#!/bin/sh
# Makes sure the Python tools of the fuzz checks are installed, under .build (nothing system-wide),
# and prints the directory that holds their commands. Idempotent: a stamp file records what was
# installed, so later runs do not touch the network.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# Pinned, so a seed replays the same inputs.
REQUIREMENTS="openapi-spec-validator==0.9.0 schemathesis==4.32.5"
VENV="$ROOT/.build/fuzz-venv"
STAMP="$VENV/.installed"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$REQUIREMENTS" ]; then
    echo "$VENV/bin"; exit 0
fi
rm -rf "$VENV"
mkdir -p "$ROOT/.build"
if python3 -m venv "$VENV" >/dev/null 2>&1 && [ -x "$VENV/bin/pip" ]; then
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $REQUIREMENTS >&2
else
    # No venv module (Debian without python3-venv): install into a plain directory instead, which
    # pip allows even where the system Python is marked externally managed.
    rm -rf "$VENV"
    # shellcheck disable=SC2086
    python3 -m pip install --quiet --disable-pip-version-check --target "$VENV/lib" $REQUIREMENTS >&2
    mkdir -p "$VENV/bin"
    for tool in st openapi-spec-validator; do
        module=$([ "$tool" = st ] && echo schemathesis.cli || echo openapi_spec_validator)
        printf '#!/bin/sh\nPYTHONPATH="%s/lib${PYTHONPATH:+:$PYTHONPATH}" exec python3 -m %s "$@"\n' "$VENV" "$module" > "$VENV/bin/$tool"
        chmod +x "$VENV/bin/$tool"
    done
    printf '#!/bin/sh\nPYTHONPATH="%s/lib${PYTHONPATH:+:$PYTHONPATH}" exec python3 "$@"\n' "$VENV" > "$VENV/bin/python3"
    chmod +x "$VENV/bin/python3"
fi
echo "$REQUIREMENTS" > "$STAMP"
echo "$VENV/bin"
