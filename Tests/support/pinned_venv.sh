# Sourced by the test scripts that need Python packages from PyPI: `pinned_venv DIR "REQS"`
# makes DIR a virtual environment holding exactly REQS (pinned versions), installing only when
# the stamp file says it holds something else, so later runs do not touch the network.
pinned_venv() {
    local venv=$1 requirements=$2
    if [ -f "$venv/.installed" ] && [ "$(cat "$venv/.installed")" = "$requirements" ]; then return 0; fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    # shellcheck disable=SC2086
    "$venv/bin/pip" install --quiet --disable-pip-version-check $requirements >&2
    echo "$requirements" > "$venv/.installed"
}
