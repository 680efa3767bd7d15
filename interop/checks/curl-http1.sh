# `curl -N` (HTTP/1.1) against `sse serve`: 40 scripted events published
# while it listens, then killed; the rest published with no client; a new
# curl with `-H 'Last-Event-ID: ..'` gets them: decoded (`sse decode`), every
# event exactly once, in order, with the server's IDs.
# needs: curl rust
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
their_client_resumes curl
grep -q '^< HTTP/1.1 200' "$CHECK_DIR/second.err" || fail "curl did not get an HTTP/1.1 200"
pass
