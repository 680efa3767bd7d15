# Pushpin (Debian's package) for the GRIP checks, sourced after common.sh:
# its config, runner and log dirs in $CHECK_DIR/pushpin, every port a free one
# on 127.0.0.1, stopped when the check exits.
#
#   PUSHPIN_PUBLISH=$(free_port)          its publish endpoint (before `serve --grip`)
#   start_pushpin ORIGIN...               routes every request to these origins
#                                         (host:port, several: Pushpin picks one);
#                                         sets PUSHPIN_STREAM, its /events URL
#   holds                                 how many streams it has held so far

PP=$CHECK_DIR/pushpin
mkdir -p "$PP/run" "$PP/log"

# The runner stops its services on SIGTERM; a SIGKILL would leave them running.
stop_pushpin() {
    local pid file
    if [[ -n ${SPAWNED[pushpin]:-} ]]; then
        kill -TERM "${SPAWNED[pushpin]}" 2> /dev/null || true
        wait "${SPAWNED[pushpin]}" 2> /dev/null || true
        unset "SPAWNED[pushpin]"
    fi
    for file in "$PP"/run/*.pid; do
        [[ -e $file ]] && pid=$(< "$file") && kill -KILL "$pid" 2> /dev/null || true
    done
}
trap 'stop_pushpin; cleanup' EXIT

start_pushpin() {
    local http_port deadline
    http_port=$(free_port)
    echo "* $*" > "$PP/routes"
    cat > "$PP/pushpin.conf" << CONF
[global]
include={libdir}/internal.conf
rundir=$PP/run
ipc_prefix=pushpin-
port_offset=0
stats_connection_ttl=120

[runner]
# zurl makes Pushpin's requests to the origin (Debian's condure has no client mode)
services=condure,zurl,pushpin-proxy,pushpin-handler
http_port=$http_port
logdir=$PP/log
log_level=2
client_buffer_size=8192
client_maxconn=1000

[proxy]
routesfile=$PP/routes
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
push_in_http_port=$PUSHPIN_PUBLISH
stats_spec=ipc://{rundir}/{ipc_prefix}stats
command_spec=tcp://127.0.0.1:$(free_port)
id_cache_ttl=60
CONF
    spawn pushpin pushpin --config "$PP/pushpin.conf" --port "127.0.0.1:$http_port"
    wait_port 127.0.0.1 "$http_port"
    wait_port 127.0.0.1 "$PUSHPIN_PUBLISH"
    # Its services start one after another, and a request made while they
    # connect can be lost inside it (no answer for 60 s): until a request
    # through it gets our page within 2 s.
    deadline=$((SECONDS + 20))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$http_port/") == 200 ]]; do
        ((SECONDS < deadline)) || fail "Pushpin does not pass requests on after 20 s"
        sleep 0.05
    done
    PUSHPIN_STREAM=http://127.0.0.1:$http_port/events
    # The page came through the proxy, but a GRIP hold also needs the handler's
    # accept socket, which connects a moment later (until then Pushpin answers
    # 500 "Accept service unavailable"): one probe stream until it is held,
    # not counted by `holds`.
    deadline=$((SECONDS + 20))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 0.5 "$PUSHPIN_STREAM") == 200 ]]; do
        ((SECONDS < deadline)) || fail "Pushpin does not hold streams after 20 s"
        sleep 0.1
    done
    deadline=$((SECONDS + 20))
    until (($(held_so_far) >= 1)); do
        ((SECONDS < deadline)) || fail "Pushpin held no probe stream after 20 s"
        sleep 0.05
    done
    HOLDS_BEFORE=$(held_so_far)
}

held_so_far() { grep -c 'subscribe .* channel=events' "$PP/log/pushpin-handler.log" || true; }
holds() { echo $(($(held_so_far) - ${HOLDS_BEFORE:-0})); }

# wait_holds N: until Pushpin has held N streams (fails after 20 s: the
# origin's answer was no GRIP hold).
wait_holds() {
    local deadline=$((SECONDS + 20))
    until (($(holds) >= $1)); do
        ((SECONDS < deadline)) || fail "Pushpin held $(holds) streams after 20 s, expected $1 (the origin's answer was no GRIP hold)"
        sleep 0.05
    done
}

# early_and_resumed_clients: a client through Pushpin from before the first
# event (the hold has no prev-id then), then `client_resumes` through
# Pushpin; the early client must hold the whole script, once, in order.
early_and_resumed_clients() {
    spawn early curl -sN "$PUSHPIN_STREAM"
    wait_holds 1
    client_resumes curl "$PUSHPIN_STREAM"
    stop early
    their_events curl early
    # It got the marker first, then the script.
    grep '"type":"event"' "$CHECK_DIR/early.json" | tail -n +2 > "$CHECK_DIR/early-script.json"
    check_received "$CHECK_DIR/early-script.json"
}
