# The library client (sse-client-check: sse-tokio's EventSource) against an sse-starlette EventSourceResponse server on
# uvicorn:
# every scripted event (default and named, multi-line data, IDs) exactly once,
# in order, across a kill -9 and restart of the server half-way (the resume by
# Last-Event-ID).
# needs: venv rust
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
stream_and_restart starlette library
pass
