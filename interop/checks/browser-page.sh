# Chromium (Debian's, through playwright-core) on `sse serve`'s page: its own
# EventSource('/events') shows published default, named (a type added with
# the page's listen form) and multi-line events with the IDs the server gave
# them (`lastEventId`); the publish form, filled in and submitted as a person
# would, puts its event in #events; the stream stays open. The screenshot is
# out/browser-page/page.png.
# needs: chromium node rust
# timeout: 120
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
serve serve --tick-ms 0
browser page "$ORIGIN" "$CHECK_DIR"
[[ -s $CHECK_DIR/page.png ]] || fail "no screenshot"
pass
