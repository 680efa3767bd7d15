# The library client (sse-client-check: sse-tokio's EventSource) against an Express server written as in the usual Node
# tutorial (res.write, chunked):
# every scripted event (default and named, multi-line data, IDs) exactly once,
# in order, across a kill -9 and restart of the server half-way (the resume by
# Last-Event-ID).
# needs: node rust
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
stream_and_restart express library
pass
