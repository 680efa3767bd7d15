# The same with `curl -N --http2-prior-knowledge` (h2c): the stream and the
# resume over HTTP/2.
# needs: curl rust
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
their_client_resumes curl-h2
grep -q '^< HTTP/2 200' "$CHECK_DIR/second.err" || fail "curl did not get an HTTP/2 200"
pass
