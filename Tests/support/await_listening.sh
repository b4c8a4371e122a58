# Sourced by the scripts that start a release server: `await_listening NAME WORK PID` waits for
# the server's one stdout line (`listening on URL`) in WORK/server.out and sets URL, or exits
# naming the script (NAME) when the server dies or never says where it listens.
await_listening() {
    local name=$1 work=$2 pid=$3
    URL=""
    for _ in $(seq 1 300); do
        URL=$(sed -n 's/^listening on \(http:\/\/.*\)$/\1/p' "$work/server.out")
        [ -n "$URL" ] && return 0
        kill -0 "$pid" 2>/dev/null || { echo "$name: the server exited at start:" >&2; cat "$work/server.err" >&2; exit 1; }
        sleep 0.1
    done
    echo "$name: the server did not say where it listens" >&2
    exit 1
}
