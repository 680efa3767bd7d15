# A 204 closes Chromium's EventSource for good: our server (sse-hub-server)
# ends the first response after two events and answers the reconnect, which
# carries a Last-Event-ID, with 204 (`?resume=204`); the page sees readyState
# 2 (CLOSED), and in 3 s more the server gets no further request.
# needs: chromium node rust
# timeout: 120
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
browser_hub
browser gone "$ORIGIN"
log=$(grep '^GET /events?drop=2&resume=204' "$CHECK_DIR/server.out" | sed 's/.* status //' | tr '\n' ' ')
[[ $log == "200 204 " ]] || fail "the server answered: ${log:-nothing}, expected 200 then 204 and nothing more"
pass
