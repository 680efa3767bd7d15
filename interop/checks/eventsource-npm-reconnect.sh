# The npm `eventsource` package reconnects by itself: our server
# (sse-hub-server) ends each response after three writes (`?drop=3`); the
# library reconnects with the Last-Event-ID header and the hub resumes from
# its history: events 1..30 exactly once, in order, in five responses or more.
# needs: node rust
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
port=$(free_port)
spawn server "$BIN/sse-hub-server" --addr "127.0.0.1:$port" --events 30 --subscribers 1 \
    --interval-ms 20 --retry-ms 50
wait_port 127.0.0.1 "$port"
spawn client node "$INTEROP/clients/eventsource.js" "http://127.0.0.1:$port/events?drop=3" 30
status=0
finish client 60 || status=$?
((status == 0)) || fail "the client exited with $status: $(tail -n 1 "$CHECK_DIR/client.err")"
problem=$("$PY" "$INTEROP/lib/script.py" ids 30 "$CHECK_DIR/client.out") || fail "$problem"
opens=$(grep -c '"type":"open"' "$CHECK_DIR/client.out")
((opens >= 5)) || fail "the stream opened $opens times: the library did not reconnect"
resumed=$(grep -c 'last-event-id [0-9]' "$CHECK_DIR/server.out" || true)
((resumed == opens - 1)) || fail "$resumed of $((opens - 1)) reconnects carried a Last-Event-ID"
pass
