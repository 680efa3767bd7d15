# Network delay where the kernel has no netem: our hub server in one network
# namespace, the clients in another, and between them our delaying relay
# (sse-delay-relay, in the clients' namespace, connecting over the veth pair):
# 50 ms +/- 20 ms on every chunk, each way, order kept. `sse listen` and the
# library client get every event exactly once, in order; half-way the relay
# is killed (the link cut at the relay: both TCP connections of each client
# end) and restarted 1 s later: they reconnect through it and resume from the
# server's history. Then the delay is shown to be real: each of 5 requests
# through the relay takes at least 2 x (50 - 20) ms from connect to its
# first byte (the request, then the answer, each held that long). Last, its
# buffering is bounded: a second relay in front of a peer that never reads
# is sent 64 MiB; the sender blocks before that, and the relay's peak RSS
# stays under 16 MiB (it holds at most 1 MiB a direction, the rest waits in
# the kernel's socket buffers).
# needs: rust netns
# timeout: 60
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
DELAY_MS=50 JITTER_MS=20 RELAY_PORT=8081
netns_pair

# relay NAME PORT TO: sse-delay-relay in $CLI from 127.0.0.1:PORT to TO.
relay() {
    spawn "$1" ip netns exec "$CLI" "$BIN/sse-delay-relay" --listen "127.0.0.1:$2" \
        --to "$3" --delay-ms "$DELAY_MS" --jitter-ms "$JITTER_MS"
    wait_port 127.0.0.1 "$2" 20 "$CLI"
}
cut_link() {
    stop relay
    sleep 1
    relay relay "$RELAY_PORT" "$SRV_IP:$HUB_PORT"
}

relay relay "$RELAY_PORT" "$SRV_IP:$HUB_PORT"
stream_over_link 300 2 "http://127.0.0.1:$RELAY_PORT/events"

# From connect (to the relay, no delay) to the first byte of the answer.
min_ms=$(for _ in 1 2 3 4 5; do
    ip netns exec "$CLI" curl -sf -o /dev/null -w '%{time_connect} %{time_starttransfer}\n' \
        "http://127.0.0.1:$RELAY_PORT/stats" || fail "curl through the relay failed"
done | awk 'NR == 1 || $2 - $1 < min { min = $2 - $1 } END { printf "%d", min * 1000 }')
direct_ms=$(ip netns exec "$CLI" curl -sf -o /dev/null -w '%{time_connect} %{time_starttransfer}\n' \
    "http://$SRV_IP:$HUB_PORT/stats" | awk '{ printf "%d", ($2 - $1) * 1000 }')
echo "first byte after ${min_ms} ms at least through the relay, ${direct_ms} ms direct"
((min_ms >= 2 * (DELAY_MS - JITTER_MS))) ||
    fail "an answer through the relay came after ${min_ms} ms: less than 2 x $((DELAY_MS - JITTER_MS)) ms, no real delay"

# Bounded buffering: a peer that accepts and never reads, a relay to it, and
# a sender that writes until its writes block for a second.
spawn sink ip netns exec "$CLI" "$PY" -c '
import socket, time
s = socket.create_server(("127.0.0.1", 8082))
c, _ = s.accept()
time.sleep(60)'
wait_port 127.0.0.1 8082 20 "$CLI"
relay stuck 8083 127.0.0.1:8082
sent=$(ip netns exec "$CLI" "$PY" -c '
import socket
c = socket.create_connection(("127.0.0.1", 8083))
c.settimeout(1)
sent, chunk = 0, bytes(1 << 16)
try:
    while sent < 64 << 20:
        sent += c.send(chunk)
except TimeoutError:
    pass
print(sent >> 20)')
peak=$(awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/${SPAWNED[stuck]}/status")
echo "a peer that never reads: $sent MiB sent, the relay's peak RSS $peak MiB"
((sent < 64)) || fail "64 MiB went into the relay to a peer that never reads: no push back"
((peak < 16)) || fail "the relay's peak RSS is $peak MiB with $sent MiB stuck: unbounded buffering"
pass
