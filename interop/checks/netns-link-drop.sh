# Our server (sse-hub-server: sse_tokio::serve + Hub, every event kept in its
# history) in one network namespace, `sse listen` and the library client in
# another, over a veth pair this check makes. Half-way through the stream the
# link goes down for 3 s and comes back: both clients notice the silence
# (idle timeout 1 s; keepalives come every 200 ms otherwise), reconnect once
# the link is back and resume by Last-Event-ID: every event exactly once, in
# order, in two responses or more.
# needs: rust netns
# timeout: 120
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
netns_pair
stream_over_link 400 1
pass
