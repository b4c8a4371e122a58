#!/usr/bin/env bash
# `make cluster`: 3 nats-servers (JetStream, clustered on loopback), 3 Beacon nodes in cluster
# mode and nginx in front, all on this machine (docs/cluster.md). Prints the URL; Ctrl-C stops
# everything. State lives under $CLUSTER_DIR (default .build/cluster) and survives a restart.
#   cluster/run.sh                 # nginx on 8090, nodes on 18081-18083, NATS on 14222-14224
#   PORT=9000 cluster/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${CLUSTER_DIR:-.build/cluster}
PORT=${PORT:-8090}
NATS_BASE=${NATS_BASE:-14222}
ROUTE_BASE=${ROUTE_BASE:-16222}
NODE_BASE=${NODE_BASE:-18081}
BEACON=${BEACON:-.build/release/beacon}
mkdir -p "$DIR"
pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

wait_for_port() {
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "cluster: nothing listens on port $1; see $DIR/*.log" >&2; exit 1
}

routes=""
for i in 0 1 2; do routes+="${routes:+,}nats://127.0.0.1:$((ROUTE_BASE + i))"; done
for i in 0 1 2; do
  nats-server -js -sd "$DIR/nats-n$((i + 1))" -a 127.0.0.1 -p $((NATS_BASE + i)) --name "nats-n$((i + 1))" \
    --cluster_name beacon --cluster "nats://127.0.0.1:$((ROUTE_BASE + i))" --routes "$routes" > "$DIR/nats-n$((i + 1)).log" 2>&1 &
  pids+=($!)
done
for i in 0 1 2; do wait_for_port $((NATS_BASE + i)); done

# Each node: the repository's config.json (its tenants and limits), without local storage, with
# a cluster section naming the node, its address and the three NATS servers.
for i in 0 1 2; do
  python3 - "$DIR/node$((i + 1)).json" "n$((i + 1))" $((NODE_BASE + i)) $NATS_BASE <<'PY'
import json, sys
path, node, port, nats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
config = json.load(open("config.json"))
config.pop("storage", None)
config["server"]["port"] = port
config["cluster"] = {"node": node, "url": f"http://127.0.0.1:{port}",
                     "nats": [f"nats://127.0.0.1:{nats + k}" for k in range(3)], "replicas": 3}
json.dump(config, open(path, "w"), indent=1)
PY
  "$BEACON" serve --config "$DIR/node$((i + 1)).json" > "$DIR/node$((i + 1)).log" 2>&1 &
  pids+=($!)
done
for i in 0 1 2; do wait_for_port $((NODE_BASE + i)); done

# nginx spreads requests over the nodes and tries the next one when a node is down or does not
# serve the tenant yet (503). Writes are retried too: send an Idempotency-Key with them.
mkdir -p "$DIR/nginx"
cat > "$DIR/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $PWD/$DIR/nginx/nginx.pid;
error_log $PWD/$DIR/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $PWD/$DIR/nginx/body;
  proxy_temp_path $PWD/$DIR/nginx/proxy;
  fastcgi_temp_path $PWD/$DIR/nginx/fastcgi;
  uwsgi_temp_path $PWD/$DIR/nginx/uwsgi;
  scgi_temp_path $PWD/$DIR/nginx/scgi;
  client_max_body_size 8m;
  upstream beacon {
    server 127.0.0.1:$((NODE_BASE)) max_fails=1 fail_timeout=2s;
    server 127.0.0.1:$((NODE_BASE + 1)) max_fails=1 fail_timeout=2s;
    server 127.0.0.1:$((NODE_BASE + 2)) max_fails=1 fail_timeout=2s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$PORT;
    location / {
      proxy_pass http://beacon;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_next_upstream error timeout http_502 http_503 http_504 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
    }
  }
}
NGINX
nginx -c "$PWD/$DIR/nginx.conf" > "$DIR/nginx.log" 2>&1 &
pids+=($!)
wait_for_port "$PORT"
echo "cluster: http://127.0.0.1:$PORT (nodes on $NODE_BASE-$((NODE_BASE + 2)), NATS on $NATS_BASE-$((NATS_BASE + 2)); logs in $DIR)"
wait
