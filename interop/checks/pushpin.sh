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

# shellcheck source=../lib/pushpin.sh
source "$INTEROP/lib/pushpin.sh"

PUSHPIN_PUBLISH=$(free_port)
serve serve --tick-ms 0 --keepalive 1 --grip "http://127.0.0.1:$PUSHPIN_PUBLISH"
start_pushpin "${ORIGIN#http://}"
stream=$PUSHPIN_STREAM

early_and_resumed_clients
(($(holds) >= 3)) || fail "Pushpin held $(holds) streams, expected 3 (the origin's answer was no GRIP hold)"
grep -q 'publish channel=events receivers=1' "$PP/log/pushpin-handler.log" ||
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
