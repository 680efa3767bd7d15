# Our server frees clients it can no longer reach: sse-hub-server in one
# network namespace (keepalives every 200 ms, no events; tcp_retries2=3 there,
# so unacknowledged writes give up after ~3 s instead of ~15 min), 5 `sse
# listen` clients in another over a veth pair. The link goes down, then the
# clients are killed: no FIN or RST ever reaches the server. Its keepalive
# writes go unanswered until TCP gives up; /stats must fall from 5
# subscribers to 0.
# needs: rust netns
# timeout: 150
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
netns_pair
ip netns exec "$SRV" sysctl -qw net.ipv4.tcp_retries2=3
cut() {
    local i
    ip -n "$CLI" link set veth-c down
    for i in 1 2 3 4 5; do
        stop "client$i"
    done
}
clients_freed "$SRV_IP"
pass
