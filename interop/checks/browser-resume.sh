# Chromium's EventSource against our server (sse-hub-server: sse_tokio::serve
# + Hub, every event kept), which ends each response after two writes
# (`?drop=2`): the browser reconnects with Last-Event-ID each time and, over
# five reconnects or more, gets 40 events with consecutive IDs, none missed or
# repeated; every request after the first carried a Last-Event-ID.
# needs: chromium node rust
# timeout: 120
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
browser_hub
browser resume "$ORIGIN"
requests=$(grep -c '^GET /events?drop=2' "$CHECK_DIR/server.out")
fresh=$(grep -c '^GET /events?drop=2.* last-event-id - ' "$CHECK_DIR/server.out" || true)
((requests >= 5)) || fail "the server saw $requests requests"
((fresh == 1)) || fail "$fresh of $requests requests came without a Last-Event-ID, expected only the first"
pass
