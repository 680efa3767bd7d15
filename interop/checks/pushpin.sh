# Pushpin (Debian's package) in front of `sse serve --grip`, on 127.0.0.1
# free ports, its runner and log dirs in the check's directory: `curl -N`
# through Pushpin gets 40 scripted events published while it listens, is
# killed, the rest are published with no client, and a new curl through
# Pushpin with `-H 'Last-Event-ID: ..'` gets them (the replay out of the
# hub's log in the hold response): decoded, every event exactly once, in
# order, with the server's IDs. A third curl, there before the first event,
# gets all of them. Pushpin held the three streams itself (its log: three
# subscriptions to the channel, items delivered to a receiver), and an
# idle stream through it gets the Grip-Keep-Alive comments (every second).
# needs: curl rust pushpin
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"

pp=$CHECK_DIR/pushpin
mkdir -p "$pp/run" "$pp/log"
publish_port=$(free_port) http_port=$(free_port)
serve serve --tick-ms 0 --keepalive 1 --grip "http://127.0.0.1:$publish_port"
echo "* ${ORIGIN#http://}" > "$pp/routes"
cat > "$pp/pushpin.conf" << CONF
[global]
include={libdir}/internal.conf
rundir=$pp/run
ipc_prefix=pushpin-
port_offset=0
stats_connection_ttl=120

[runner]
# zurl makes Pushpin's requests to the origin (Debian's condure has no client mode)
services=condure,zurl,pushpin-proxy,pushpin-handler
http_port=$http_port
logdir=$pp/log
log_level=2
client_buffer_size=8192
client_maxconn=1000

[proxy]
routesfile=$pp/routes
# Debian's internal.conf points these at /var/run/zurl; ours runs in rundir
zurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in
zurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream
zurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out
sig_iss=pushpin
sig_key=changeme
updates_check=off

[handler]
push_in_spec=tcp://127.0.0.1:$(free_port)
push_in_sub_specs=tcp://127.0.0.1:$(free_port)
push_in_sub_connect=false
push_in_http_addr=127.0.0.1
push_in_http_port=$publish_port
stats_spec=ipc://{rundir}/{ipc_prefix}stats
command_spec=tcp://127.0.0.1:$(free_port)
id_cache_ttl=60
CONF

# The runner stops its services on SIGTERM; a SIGKILL would leave them running.
stop_pushpin() {
    local pid file
    if [[ -n ${SPAWNED[pushpin]:-} ]]; then
        kill -TERM "${SPAWNED[pushpin]}" 2> /dev/null || true
        wait "${SPAWNED[pushpin]}" 2> /dev/null || true
        unset "SPAWNED[pushpin]"
    fi
    for file in "$pp"/run/*.pid; do
        [[ -e $file ]] && pid=$(< "$file") && kill -KILL "$pid" 2> /dev/null || true
    done
}
trap 'stop_pushpin; cleanup' EXIT

spawn pushpin pushpin --config "$pp/pushpin.conf" --port "127.0.0.1:$http_port"
wait_port 127.0.0.1 "$http_port"
wait_port 127.0.0.1 "$publish_port"
# Its services start one after another: until a request through it gets our page.
deadline=$((SECONDS + 20))
until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/") == 200 ]]; do
    ((SECONDS < deadline)) || fail "Pushpin does not pass requests on after 20 s"
    sleep 0.05
done
stream=http://127.0.0.1:$http_port/events

# holds: how many streams Pushpin has held on the channel so far.
holds() { grep -c 'subscribe .* channel=events' "$pp/log/pushpin-handler.log" || true; }

# A client from before the first event (the hold has no prev-id then).
spawn early curl -sN "$stream"
deadline=$((SECONDS + 20))
until (($(holds) >= 1)); do
    ((SECONDS < deadline)) || fail "Pushpin held no stream after 20 s (the origin's answer was no GRIP hold)"
    sleep 0.05
done
client_resumes curl "$stream"
stop early
their_events curl early
# It got the marker first, then the script.
grep '"type":"event"' "$CHECK_DIR/early.json" | tail -n +2 > "$CHECK_DIR/early-script.json"
check_received "$CHECK_DIR/early-script.json"
(($(holds) >= 3)) || fail "Pushpin held $(holds) streams, expected 3 (the origin's answer was no GRIP hold)"
grep -q 'publish channel=events receivers=1' "$pp/log/pushpin-handler.log" ||
    fail "Pushpin delivered no published item to a held stream"

# An idle stream: Pushpin's keepalive comments, nothing else.
spawn idle curl -sN "$stream"
sleep 3.5
stop idle
comments=$(grep -c '^:$' "$CHECK_DIR/idle.out" || true)
((comments >= 2)) || fail "$comments keepalive comments in 3.5 s on an idle stream, expected 2 or more"
! grep -q '^data' "$CHECK_DIR/idle.out" || fail "the idle stream got an event"
echo "$(holds) streams held by Pushpin; $comments keepalives in 3.5 s"
pass
