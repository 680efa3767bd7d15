# HTTP/2 in the browser: `sse serve --tls-self-signed` (Chromium with
# --ignore-certificate-errors, ALPN h2): a page on its origin opens 10
# EventSource('/events') and all 10 get a tick within 5 s, over one h2
# connection. Over plain HTTP/1.1 (`sse serve` without TLS) the same page
# gets at most 6: Chromium's limit of connections per host, each stream
# holding one. Both asserted, and the protocol Chromium used for the page.
# needs: chromium node rust
# timeout: 120
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
result() { "$PY" -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$CHECK_DIR/streams.json" "$1"; }
serve tls --tls-self-signed --tick-ms 200
browser streams "$ORIGIN" 10
cp "$CHECK_DIR/streams.json" "$CHECK_DIR/h2.json"
[[ $(result protocol) == h2 ]] || fail "https: the page came over $(result protocol), expected h2"
(($(result receiving) == 10)) || fail "over h2 $(result receiving) of 10 EventSources got events"
stop tls
serve plain --tick-ms 200
browser streams "$ORIGIN" 10
cp "$CHECK_DIR/streams.json" "$CHECK_DIR/http1.json"
[[ $(result protocol) == http/1.1 ]] || fail "http: the page came over $(result protocol), expected http/1.1"
receiving=$(result receiving)
((receiving >= 1 && receiving <= 6)) || fail "over HTTP/1.1 $receiving of 10 EventSources got events, expected 1 to 6"
echo "h2: 10 of 10 receiving; HTTP/1.1: $receiving of 10"
pass
