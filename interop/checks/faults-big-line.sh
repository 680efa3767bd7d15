# A server (Express) sends a 10 MB line: `sse listen` stops with its limit
# error (exit 2, "line exceeds 8388608 bytes", the default 8 MiB limit) and
# does not hold the line: its maximum RSS exceeds that of the same run with a
# 64 KiB limit by less than the line's size (both measured with
# /usr/bin/time -v; the numbers stay in this check's out/ folder).
# needs: node rust time
# timeout: 60
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"

line=$((10 * 1024 * 1024))
port=$(free_port)
script_events 1
BIG_LINE_BYTES=$line spawn server env PORT="$port" node "$INTEROP/servers/express.js"
wait_port 127.0.0.1 "$port"

# max_rss NAME [sse listen options]: runs `sse listen` on the big line,
# checks its limit error and prints its maximum RSS in KiB.
max_rss() {
    local name=$1 status=0 limit
    shift
    /usr/bin/time -v -o "$CHECK_DIR/$name.time" "$BIN/sse" listen --reconnect never "$@" \
        "http://127.0.0.1:$port/big-line" > "$CHECK_DIR/$name.out" 2> "$CHECK_DIR/$name.err" ||
        status=$?
    ((status == 2)) || fail "$name: sse listen exited with $status, expected 2 (limit error)"
    limit=${2:-8388608}
    grep -q "line exceeds $limit bytes" "$CHECK_DIR/$name.err" ||
        fail "$name: no limit error: $(tail -n 1 "$CHECK_DIR/$name.err")"
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$CHECK_DIR/$name.time"
}

default=$(max_rss default-limit)
small=$(max_rss small-limit --max-line-len 65536)
echo "max RSS: $default KiB with the 8 MiB limit, $small KiB with 64 KiB"
((default - small < line / 1024)) ||
    fail "max RSS $default KiB vs $small KiB with a 64 KiB limit: the client held the whole line"
pass
