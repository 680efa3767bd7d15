# The npm `eventsource` package (the WHATWG EventSource for Node) against
# `sse serve`: 40 scripted events (default and named, multi-line data)
# published while it listens, then killed; the rest published with no client;
# a new one from the last ID (`?lastEventId=`: a first request cannot set the
# header) gets them: every event exactly once, in order, with the server's IDs.
# needs: node rust
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
their_client_resumes eventsource
pass
