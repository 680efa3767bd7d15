# Our server notices clients that went away through its keepalive writes:
# sse-hub-server (sse_tokio::serve + Hub, keepalives every 200 ms, no events)
# on 127.0.0.1 with 5 `sse listen` clients, killed with SIGKILL. The server
# never reads after the request, so only a write finds the closed socket; its
# /stats must fall from 5 subscribers to 0.
# needs: rust curl
# timeout: 120
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
cut() {
    local i
    for i in 1 2 3 4 5; do
        stop "client$i"
    done
}
clients_freed 127.0.0.1
pass
