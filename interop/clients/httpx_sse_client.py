#!/usr/bin/env python3
"""Python's httpx-sse as a client of our servers: prints `{"type":"open"}`
when the response opens the stream and each event as
`{"type":"event","event":..,"data":..,"id":..}` (the JSON Lines of
`sse listen`, so lib/script.py checks all clients one way); exits 0 after N
events. httpx-sse does not reconnect by itself: a resume is a new run with
the last ID.

usage: httpx_sse_client.py URL N [LAST_EVENT_ID]
"""
import json
import sys

import httpx
from httpx_sse import connect_sse


def main(url, max_events, last_id=None):
    headers = {"Last-Event-ID": last_id} if last_id else {}
    count = 0
    with httpx.Client(timeout=httpx.Timeout(10.0, read=None)) as client:
        with connect_sse(client, "GET", url, headers=headers) as source:
            source.response.raise_for_status()
            print(json.dumps({"type": "open"}, separators=(",", ":")), flush=True)
            for event in source.iter_sse():
                item = {"type": "event", "event": event.event, "data": event.data, "id": event.id}
                print(json.dumps(item, separators=(",", ":")), flush=True)
                count += 1
                if count >= max_events:
                    return 0
    return 1


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:]))
