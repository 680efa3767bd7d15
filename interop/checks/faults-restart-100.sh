# Kill -9 and restart the Express server 100 times during one stream, each
# time after both clients got a few more events (the server resumes from any
# Last-Event-ID: its history window is the whole script); `sse listen` and the
# library client, side by side, get every event exactly once, in order, and
# `sse listen` opened the stream once per server life (101 times).
# needs: node rust
# timeout: 300
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"

restarts=100 n=4000
port=$(free_port)
url=$(events_url express "$port")
script_events "$n"
export INTERVAL_MS=10
# shellcheck disable=SC2046 # the command lines are split into words
spawn server $(server express "$port")
wait_port 127.0.0.1 "$port"
# shellcheck disable=SC2046
spawn listen $(client listen "$url" "$n")
# shellcheck disable=SC2046
spawn library $(client library "$url" "$n")
for ((r = 1; r <= restarts; r++)); do
    for who in listen library; do
        seen=$(events "$CHECK_DIR/$who.out")
        ((seen < n - 10)) || fail "the stream ended after $r restarts: make the script longer"
        wait_events "$CHECK_DIR/$who.out" $((seen + 3)) 30
    done
    stop server
    # The last life streams the rest without the pause between events.
    ((r < restarts)) || export INTERVAL_MS=1
    # shellcheck disable=SC2046
    spawn server $(server express "$port")
done
for who in listen library; do
    status=0
    finish "$who" 120 || status=$?
    ((status == 0)) || fail "$who exited with $status: $(tail -n 1 "$CHECK_DIR/$who.err")"
    check_received "$CHECK_DIR/$who.out"
done
opens=$(grep -c '"type":"open"' "$CHECK_DIR/listen.out")
((opens == restarts + 1)) || fail "sse listen opened the stream $opens times, expected $((restarts + 1))"
pass
