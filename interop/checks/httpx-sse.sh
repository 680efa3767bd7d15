# Python's httpx-sse against `sse serve`: 40 scripted events (default and
# named, multi-line data) published while it listens, then killed; the rest
# published with no client; a new one with the `Last-Event-ID` header gets
# them: every event exactly once, in order, with the server's IDs.
# needs: venv rust
# timeout: 90
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
their_client_resumes httpx
pass
