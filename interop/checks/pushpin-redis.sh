# Two `sse serve --redis --grip` nodes on one redis-server behind one Pushpin
# (one route, both origins), each node's local history 2 events: a resume
# can only come out of Redis. As the `pushpin` check (a marker, 20 events
# live through Pushpin, the client killed, 20 more with no client, a new curl
# with `Last-Event-ID` 20 events back gets them from a hold's replay), plus: a
# curl there before the first event gets all 40 although both nodes post
# every event (Pushpin keeps one of each); then one node is killed (SIGKILL)
# and a curl resuming after the marker, 40 events back, gets all of them
# through the other. Decoded, every event exactly once, in order, no `gap`
# notice, with the IDs Redis gave them.
# needs: curl rust pushpin redis
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
# shellcheck source=../lib/pushpin.sh
source "$INTEROP/lib/pushpin.sh"

redis_port=$(free_port)
mkdir -p "$CHECK_DIR/redis"
spawn redis redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$CHECK_DIR/redis" \
    --save '' --appendonly no
wait_port 127.0.0.1 "$redis_port"

PUSHPIN_PUBLISH=$(free_port)
node() { # node NAME: a node on the shared log, forwarding to Pushpin; sets ORIGIN
    serve "$1" --tick-ms 0 --keepalive 1 --history 2 \
        --redis "redis://127.0.0.1:$redis_port" --grip "http://127.0.0.1:$PUSHPIN_PUBLISH"
}
node node-a
origin_a=$ORIGIN
node node-b
origin_b=$ORIGIN
start_pushpin "${origin_a#http://}" "${origin_b#http://}"
stream=$PUSHPIN_STREAM

# Published through node B; Pushpin sends each request to either node.
early_and_resumed_clients
# Both nodes posted every item with no failure (Pushpin kept one of each).
for node in node-a node-b; do
    problem=$(grep 'grip:' "$CHECK_DIR/$node.err" | grep -v 'grip: publishing to' | head -n 1 || true)
    [[ -z $problem ]] || fail "$node: $problem"
done

# Node A dies; a client resuming 40 events back gets them through node B.
stop node-a
marker=$(grep '"type":"event"' "$CHECK_DIR/early.json" | head -n 1 | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["id"])')
their_client curl late "$stream" "$marker"
wait_their curl late 40 30
stop late
their_events curl late
check_received "$CHECK_DIR/late.json"
echo "$(holds) streams held by Pushpin; resumed 40 events back after node A was killed"
pass
