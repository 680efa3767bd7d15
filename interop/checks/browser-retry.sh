# A `retry:` value changes Chromium's reconnect delay: our server (sse-hub-server)
# sends `retry: 300` on one stream and `retry: 3000` on another, each dropped
# after two writes; the delays from the EventSource's error to its next open,
# two of each, must be ordered (every 300 one shorter than every 3000 one)
# and the 3000 ones at least 2 s. Generous margins: no exact times.
# needs: chromium node rust
# timeout: 120
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
browser_hub
browser retry "$ORIGIN"
pass
