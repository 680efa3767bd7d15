# Helpers for the check scripts in interop/checks/ (sourced by each one, which
# interop/run starts with CHECK_DIR, REPO, INTEROP, BIN and PY set).
#
# A check ends with `pass`, `fail REASON` or `skip REASON`; interop/run prints
# its one line from that. Everything a check starts with `spawn` is killed when
# it exits, however it exits; namespaces made with `netns_pair` are deleted.

set -euo pipefail

declare -A SPAWNED=()
NETNS=()

cleanup() {
    local name
    for name in "${!SPAWNED[@]}"; do
        kill -KILL "${SPAWNED[$name]}" 2> /dev/null || true
    done
    for name in ${NETNS[@]+"${NETNS[@]}"}; do
        ip netns pids "$name" 2> /dev/null | xargs -r kill -KILL 2> /dev/null || true
        ip netns del "$name" 2> /dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 143' TERM INT

pass() { exit 0; }
fail() {
    printf '%s\n' "$*" > "$CHECK_DIR/reason"
    exit 1
}
skip() {
    printf '%s\n' "$*" > "$CHECK_DIR/reason"
    exit 77
}

# spawn NAME CMD...: runs CMD in the background, its stdout appended to
# $CHECK_DIR/NAME.out, its stderr to NAME.err.
spawn() {
    local name=$1
    shift
    # The files exist before CMD runs (the background shell opens them only
    # once it is scheduled), so a check may read them at once.
    : >> "$CHECK_DIR/$name.out"
    : >> "$CHECK_DIR/$name.err"
    "$@" >> "$CHECK_DIR/$name.out" 2>> "$CHECK_DIR/$name.err" &
    SPAWNED[$name]=$!
}

# stop NAME: kills (SIGKILL: no goodbye to the peer) and reaps it.
stop() {
    kill -KILL "${SPAWNED[$1]}" 2> /dev/null || true
    wait "${SPAWNED[$1]}" 2> /dev/null || true
    unset "SPAWNED[$1]"
}

# finish NAME SECS: waits for NAME to exit by itself; its status, or fails.
finish() {
    local pid=${SPAWNED[$1]} deadline=$((SECONDS + $2)) status=0
    while kill -0 "$pid" 2> /dev/null; do
        ((SECONDS < deadline)) || fail "$1 still running after $2 s ($(tail -n 1 "$CHECK_DIR/$1.err"))"
        sleep 0.05
    done
    wait "$pid" || status=$?
    unset "SPAWNED[$1]"
    return "$status"
}

# free_port: a TCP port free on 127.0.0.1 now, below Linux's ephemeral range
# (32768 and up by default): a port the kernel hands out for port 0 or for an
# outgoing connection can be taken again before our server binds it.
free_port() {
    "$PY" - << 'PY'
import random, socket
for _ in range(1000):
    port = random.randrange(20000, 32768)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
PY
}

# wait_port HOST PORT [SECS] [NETNS]: until something accepts there.
wait_port() {
    local deadline=$((SECONDS + ${3:-20})) exec=()
    [[ -n ${4:-} ]] && exec=(ip netns exec "$4")
    until "${exec[@]}" bash -c "exec 3<>/dev/tcp/$1/$2" 2> /dev/null; do
        ((SECONDS < deadline)) || fail "nothing listens on $1:$2 after ${3:-20} s"
        sleep 0.02
    done
}

# events FILE: how many events a client printed there so far.
events() {
    [[ -e $1 ]] || { echo 0; return; }
    grep -c '"type":"event"' "$1" || true
}

# wait_events FILE N SECS: until the client printed N events or more there.
wait_events() {
    local deadline=$((SECONDS + $3))
    until (($(events "$1") >= $2)); do
        ((SECONDS < deadline)) || fail "$(basename "$1"): $(events "$1") events after $3 s, expected $2"
        sleep 0.01
    done
}

# script_events N: writes the scripted sequence of N events to
# $CHECK_DIR/script.json and sets SCRIPT to it.
script_events() {
    SCRIPT=$CHECK_DIR/script.json
    "$PY" "$INTEROP/lib/script.py" gen "$1" > "$SCRIPT"
    export SCRIPT
}

# check_received OUT: OUT holds the scripted sequence exactly once, in order.
check_received() {
    local problem
    problem=$("$PY" "$INTEROP/lib/script.py" check "$SCRIPT" "$1") || fail "$(basename "$1"): $problem"
}

# client KIND URL N: the command line of our client: `listen` (`sse listen`,
# the CLI) or `library` (sse-client-check, on sse-tokio), exiting after N events.
client() {
    case $1 in
        listen) echo "$BIN/sse listen --no-comments --max-events $3 $2" ;;
        library) echo "$BIN/sse-client-check --max-events $3 $2" ;;
        *) fail "unknown client $1" ;;
    esac
}

# server KIND PORT: the command line of a foreign server on 127.0.0.1:PORT
# streaming $SCRIPT: express, fastapi or starlette (the two Python ones are
# routes of one uvicorn app).
server() {
    case $1 in
        express) echo "env PORT=$2 node $INTEROP/servers/express.js" ;;
        fastapi | starlette)
            echo "$INTEROP/.venv/bin/python -m uvicorn --app-dir $INTEROP/servers python_app:app \
                --host 127.0.0.1 --port $2 --log-level warning"
            ;;
        *) fail "unknown server $1" ;;
    esac
}

# events_url KIND PORT: where server KIND streams.
events_url() {
    case $1 in
        express) echo "http://127.0.0.1:$2/events" ;;
        *) echo "http://127.0.0.1:$2/$1/events" ;;
    esac
}

# stream_and_restart SERVER CLIENT: CLIENT receives the whole scripted
# sequence from SERVER, which is killed and restarted half-way: every event
# exactly once, in order, the second half by the resume from Last-Event-ID.
stream_and_restart() {
    local port n=40 status=0
    port=$(free_port)
    script_events "$n"
    export INTERVAL_MS=20
    # shellcheck disable=SC2046 # the command lines are split into words
    spawn server $(server "$1" "$port")
    wait_port 127.0.0.1 "$port"
    # shellcheck disable=SC2046
    spawn client $(client "$2" "$(events_url "$1" "$port")" "$n")
    wait_events "$CHECK_DIR/client.out" 15 30
    stop server
    # shellcheck disable=SC2046
    spawn server $(server "$1" "$port")
    finish client 60 || status=$?
    ((status == 0)) || fail "client exited with $status: $(tail -n 1 "$CHECK_DIR/client.err")"
    check_received "$CHECK_DIR/client.out"
}

# netns_pair: two network namespaces made for this check, $SRV and $CLI,
# joined by a veth pair: $SRV_IP (169.254.13.1, link-local, on veth-s) and
# $CLI_IP (.2, on veth-c). Nothing else is reachable from them. Skips the
# check when the machine cannot make them.
netns_pair() {
    local error
    SRV=$SSEIO_TAG-$(basename "$CHECK_DIR")-s CLI=$SSEIO_TAG-$(basename "$CHECK_DIR")-c
    SRV_IP=169.254.13.1 CLI_IP=169.254.13.2
    error=$(ip netns add "$SRV" 2>&1) || skip "no network namespaces here: $error"
    NETNS+=("$SRV")
    ip netns add "$CLI"
    NETNS+=("$CLI")
    error=$(ip link add veth-s netns "$SRV" type veth peer name veth-c netns "$CLI" 2>&1) ||
        skip "no veth pair here: $error"
    ip -n "$SRV" addr add "$SRV_IP/30" dev veth-s
    ip -n "$CLI" addr add "$CLI_IP/30" dev veth-c
    local ns
    for ns in "$SRV" "$CLI"; do
        ip -n "$ns" link set lo up
    done
    ip -n "$SRV" link set veth-s up
    ip -n "$CLI" link set veth-c up
}

# cut_link: what stream_over_link does half-way: the link goes down for 3 s
# and comes back. A check may define its own after sourcing this file.
cut_link() {
    ip -n "$CLI" link set veth-c down
    sleep 3
    ip -n "$CLI" link set veth-c up
}

# stream_over_link N IDLE_SECS [URL]: our hub server in $SRV publishes N
# events (one every 10 ms) on $SRV_IP:$HUB_PORT (8080); `sse listen` and the
# library client in $CLI (idle and connect timeouts IDLE_SECS) receive them
# from URL (the server's /events by default). Half-way comes `cut_link`: both
# must get every event exactly once, in order, in two responses or more (they
# noticed and reconnected).
HUB_PORT=8080
stream_over_link() {
    local n=$1 idle=$2 who status problem opens
    local url=${3:-http://$SRV_IP:$HUB_PORT/events}
    spawn server ip netns exec "$SRV" "$BIN/sse-hub-server" --addr "$SRV_IP:$HUB_PORT" \
        --events "$n" --subscribers 2 --interval-ms 10 --keepalive-ms 200 --retry-ms 100
    wait_port "$SRV_IP" "$HUB_PORT" 20 "$CLI"
    spawn listen ip netns exec "$CLI" "$BIN/sse" listen --no-comments --max-events "$n" \
        --idle-timeout "$idle" --connect-timeout "$idle" "$url"
    spawn library ip netns exec "$CLI" "$BIN/sse-client-check" --max-events "$n" \
        --idle-timeout-ms "${idle}000" --connect-timeout-ms "${idle}000" "$url"
    wait_events "$CHECK_DIR/listen.out" $((n / 2)) 60
    wait_events "$CHECK_DIR/library.out" $((n / 2)) 60
    cut_link
    for who in listen library; do
        status=0
        finish "$who" 90 || status=$?
        ((status == 0)) || fail "$who exited with $status: $(tail -n 1 "$CHECK_DIR/$who.err")"
        problem=$("$PY" "$INTEROP/lib/script.py" ids "$n" "$CHECK_DIR/$who.out") || fail "$who: $problem"
        opens=$(grep -c '"type":"open"' "$CHECK_DIR/$who.out")
        ((opens >= 2)) || fail "$who opened the stream $opens times: it never reconnected"
    done
}

# clients_freed HOST NS...: our hub server (no events, keepalives every
# 200 ms) on HOST, run in namespace $SRV when set; 5 `sse listen` clients
# (in $CLI when set) subscribe. `cut` (a function the check defines) then
# kills them so that nothing they send reaches the server; the server, which
# never reads after the request, must find out from its keepalive writes and
# drop all 5 subscriptions (its /stats says `subscribers 0`).
clients_freed() {
    local host=$1 i start in_srv=() in_cli=()
    [[ -n ${SRV:-} ]] && in_srv=(ip netns exec "$SRV") in_cli=(ip netns exec "$CLI")
    HUB_PORT=$(free_port)
    spawn server "${in_srv[@]}" "$BIN/sse-hub-server" --addr "$host:$HUB_PORT" --keepalive-ms 200
    wait_port "$host" "$HUB_PORT" 20 "${CLI:-}"
    for i in 1 2 3 4 5; do
        spawn "client$i" "${in_cli[@]}" "$BIN/sse" listen "http://$host:$HUB_PORT/events"
    done
    wait_stat "$host" subscribers 5 20
    start=$SECONDS
    cut
    wait_stat "$host" subscribers 0 90
    echo "5 dead clients freed within $((SECONDS - start + 1)) s"
}

# wait_stat HOST NAME VALUE SECS: until the hub server's counter NAME is VALUE.
wait_stat() {
    local deadline=$((SECONDS + $4)) value in_srv=()
    [[ -n ${SRV:-} ]] && in_srv=(ip netns exec "$SRV")
    until value=$("${in_srv[@]}" curl -sf "http://$1:$HUB_PORT/stats" | sed -n "s/^$2 //p") &&
        [[ $value == "$3" ]]; do
        ((SECONDS < deadline)) || fail "the server's $2: ${value:-?} after $4 s, expected $3"
        sleep 0.1
    done
}

# serve NAME ARGS...: `sse serve` on a free port of 127.0.0.1 (ARGS added),
# started as NAME; sets ORIGIN to its http:// or https:// origin.
serve() {
    local name=$1 port scheme=http
    shift
    port=$(free_port)
    [[ " $* " == *" --tls-self-signed "* ]] && scheme=https
    spawn "$name" "$BIN/sse" serve --addr "127.0.0.1:$port" "$@"
    wait_port 127.0.0.1 "$port"
    ORIGIN=$scheme://127.0.0.1:$port
}

# browser_hub: sse-hub-server on a free port of 127.0.0.1, publishing
# `event I` (ID I) every 50 ms for as long as a browser check takes, every
# event kept; sets ORIGIN. Its stdout (server.out) logs each /events request
# with its Last-Event-ID and status.
browser_hub() {
    local port
    port=$(free_port)
    spawn server "$BIN/sse-hub-server" --addr "127.0.0.1:$port" --events 100000 \
        --interval-ms 50 --retry-ms 50
    wait_port 127.0.0.1 "$port"
    ORIGIN=http://127.0.0.1:$port
}

# browser MODE ORIGIN [ARG]: a scenario of clients/browser.js (Debian's
# Chromium through playwright-core); prints its JSON result (also in
# $CHECK_DIR/MODE.json), or fails with its reason.
browser() {
    node "$INTEROP/clients/browser.js" "$@" > "$CHECK_DIR/$1.json" 2> "$CHECK_DIR/$1.err" ||
        fail "browser $1: $(tail -n 1 "$CHECK_DIR/$1.err")"
    cat "$CHECK_DIR/$1.json"
}

# their_client KIND RUN URL LAST_ID: starts a foreign client of `sse serve`
# as RUN, resuming after LAST_ID: `eventsource` (npm, the ID in the
# `lastEventId` query parameter: a first request cannot carry the header),
# `httpx` (httpx-sse), `curl` or `curl-h2` (`curl -N`, HTTP/1.1 or
# `--http2-prior-knowledge`: the raw stream in RUN.out, verbose on RUN.err).
their_client() {
    : >> "$CHECK_DIR/$2.out"
    case $1 in
        eventsource) spawn "$2" node "$INTEROP/clients/eventsource.js" "$3?lastEventId=$4" 1000000 ;;
        httpx) spawn "$2" "$INTEROP/.venv/bin/python" "$INTEROP/clients/httpx_sse_client.py" "$3" 1000000 "$4" ;;
        curl) spawn "$2" curl -sSvN --http1.1 -H "Last-Event-ID: $4" "$3" ;;
        curl-h2) spawn "$2" curl -sSvN --http2-prior-knowledge -H "Last-Event-ID: $4" "$3" ;;
        *) fail "unknown client $1" ;;
    esac
}

# their_events KIND RUN: RUN's output as JSON Lines (curl's raw stream
# through `sse decode`) in RUN.json.
their_events() {
    case $1 in
        curl*) "$BIN/sse" decode < "$CHECK_DIR/$2.out" > "$CHECK_DIR/$2.json" || true ;;
        *) cp "$CHECK_DIR/$2.out" "$CHECK_DIR/$2.json" ;;
    esac
}

# wait_their KIND RUN N SECS: until RUN received N events.
wait_their() {
    local deadline=$((SECONDS + $4))
    their_events "$1" "$2"
    until (($(events "$CHECK_DIR/$2.json") >= $3)); do
        ((SECONDS < deadline)) || fail "$2: $(events "$CHECK_DIR/$2.json") events after $4 s, expected $3"
        sleep 0.05
        their_events "$1" "$2"
    done
}

# their_client_resumes KIND: foreign client KIND receives 40 scripted events
# (default and named, multi-line data) published on `sse serve`: the first
# half live (a first run, started after a marker event), then it is killed,
# the second half is published with no client connected, and a second run
# resumes from the first's last ID: together every event exactly once, in
# order, with the IDs the server gave them.
their_client_resumes() {
    serve serve --tick-ms 0
    client_resumes "$1" "$ORIGIN/events"
}

# client_resumes KIND STREAM: their_client_resumes with the events published
# on the `sse serve` at $ORIGIN and the client reading STREAM (that server's
# /events, or a proxy's in front of it).
client_resumes() {
    local kind=$1 stream=$2 n=40 half=20 marker last
    script_events "$n"
    marker=$("$PY" "$INTEROP/lib/script.py" publish "$ORIGIN" "$SCRIPT" 0 0)
    their_client "$kind" first "$stream" "$marker"
    "$PY" "$INTEROP/lib/script.py" publish "$ORIGIN" "$SCRIPT" 1 "$half"
    wait_their "$kind" first "$half" 30
    stop first
    their_events "$kind" first
    "$PY" "$INTEROP/lib/script.py" publish "$ORIGIN" "$SCRIPT" $((half + 1)) "$n"
    last=$(grep '"type":"event"' "$CHECK_DIR/first.json" | tail -n 1 | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    their_client "$kind" second "$stream" "$last"
    wait_their "$kind" second $((n - half)) 30
    stop second
    their_events "$kind" second
    cat "$CHECK_DIR/first.json" "$CHECK_DIR/second.json" > "$CHECK_DIR/received.json"
    check_received "$CHECK_DIR/received.json"
}
