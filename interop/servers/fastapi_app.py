"""A FastAPI server with a StreamingResponse of hand-written event-stream text,
as in the FastAPI SSE tutorials: the scripted sequence after Last-Event-ID,
then the connection held open.

usage: SCRIPT=... uvicorn --app-dir interop/servers fastapi_app:app --host 127.0.0.1 --port PORT
"""
import asyncio

from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from script_server import EVENTS, INTERVAL, resume_after

app = FastAPI()


@app.get("/events")
async def events(request: Request):
    start = resume_after(request.headers.get("last-event-id"))

    async def stream():
        yield "retry: 10\n\n"
        for event in EVENTS[start:]:
            text = f"id: {event['id']}\n"
            if "event" in event:
                text += f"event: {event['event']}\n"
            text += "".join(f"data: {line}\n" for line in event["data"].split("\n"))
            yield text + "\n"
            await asyncio.sleep(INTERVAL)
        while True:
            await asyncio.sleep(3600)

    return StreamingResponse(stream(), media_type="text/event-stream")
