"""An sse-starlette EventSourceResponse server (FastAPI route): the scripted
sequence after Last-Event-ID as sse-starlette encodes it (its pings on), then
the connection held open.

usage: SCRIPT=... uvicorn --app-dir interop/servers starlette_app:app --host 127.0.0.1 --port PORT
"""
import asyncio

from fastapi import FastAPI, Request
from sse_starlette.sse import EventSourceResponse

from script_server import EVENTS, INTERVAL, resume_after

app = FastAPI()


@app.get("/events")
async def events(request: Request):
    start = resume_after(request.headers.get("last-event-id"))

    async def stream():
        for index, event in enumerate(EVENTS[start:]):
            item = {"id": event["id"], "data": event["data"]}
            if "event" in event:
                item["event"] = event["event"]
            if index == 0:
                item["retry"] = 10
            yield item
            await asyncio.sleep(INTERVAL)
        while True:
            await asyncio.sleep(3600)

    return EventSourceResponse(stream(), ping=1)
