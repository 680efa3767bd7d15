"""Two Python servers as their tutorials write them, in one FastAPI app on
uvicorn, each streaming the scripted sequence in $SCRIPT (JSON, from
lib/script.py) after the Last-Event-ID header, one event every $INTERVAL_MS,
then holding the connection open:

  GET /fastapi/events    a StreamingResponse of hand-written event-stream text
  GET /starlette/events  an sse-starlette EventSourceResponse of dicts (its own
                         encoding, `: ping` comments every second)

usage: SCRIPT=... uvicorn --app-dir interop/servers python_app:app --host 127.0.0.1 --port PORT
"""
import asyncio
import json
import os

from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from sse_starlette.sse import EventSourceResponse

EVENTS = json.load(open(os.environ["SCRIPT"], encoding="utf-8"))
INTERVAL = int(os.environ.get("INTERVAL_MS", "5")) / 1000

app = FastAPI()


async def paced(request: Request):
    """The events after the request's Last-Event-ID, paced, then a long wait."""
    last_event_id = request.headers.get("last-event-id")
    ids = [event["id"] for event in EVENTS]
    start = ids.index(last_event_id) + 1 if last_event_id in ids else 0
    for event in EVENTS[start:]:
        yield event
        await asyncio.sleep(INTERVAL)
    while True:
        await asyncio.sleep(3600)


@app.get("/fastapi/events")
async def fastapi_events(request: Request):
    async def text():
        yield "retry: 10\n\n"
        async for event in paced(request):
            lines = f"id: {event['id']}\n"
            if "event" in event:
                lines += f"event: {event['event']}\n"
            lines += "".join(f"data: {line}\n" for line in event["data"].split("\n"))
            yield lines + "\n"

    return StreamingResponse(text(), media_type="text/event-stream")


@app.get("/starlette/events")
async def starlette_events(request: Request):
    async def dicts():
        first = True
        async for event in paced(request):
            item = dict(event)
            if first:
                item["retry"] = 10
                first = False
            yield item

    return EventSourceResponse(dicts(), ping=1)
