#!/usr/bin/env python3
"""Writes the seed corpus fuzz/seeds/<target>/ from the conformance vectors.

Run from anywhere: python3 fuzz/gen_seeds.py. It clears and rewrites each seed
folder; file names are a hash of the content, so reruns are stable. The byte
layouts are the ones documented at the top of each fuzz_targets/*.rs.
"""
import base64
import glob
import hashlib
import json
import os
import shutil

FUZZ = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(FUZZ, "..", "conformance", "vectors")


def knob(limits, key):
    """The knob byte for a limit: the value when it fits, 255 (default) if absent."""
    value = limits.get(key)
    if value is None:
        return 255
    return min(value, 254)


def decode_bodies():
    """(line knob, event knob, body) for every decode vector."""
    for path in sorted(glob.glob(os.path.join(VECTORS, "decode", "*.json"))):
        with open(path, encoding="utf-8") as f:
            for vector in json.load(f):
                if "input_base64" in vector:
                    body = base64.b64decode(vector["input_base64"])
                else:
                    body = vector["input"].encode("utf-8")
                limits = vector.get("limits", {})
                yield knob(limits, "max_line_len"), knob(limits, "max_event_len"), body


def write(target, seeds):
    folder = os.path.join(FUZZ, "seeds", target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    names = set()
    for seed in seeds:
        name = hashlib.sha1(seed).hexdigest()[:16]
        names.add(name)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(seed)
    print(f"{target}: {len(names)} seeds")


def decode_seeds():
    for line, event, body in decode_bodies():
        yield bytes([line, event]) + body


def decode_chunks_seeds():
    # Each body once, cut byte by byte, in reads of 3, or of 7 then 2 bytes.
    schedules = ([1], [3], [7, 2])
    for i, (line, event, body) in enumerate(decode_bodies()):
        if i % 2:
            continue
        schedule = schedules[i // 2 % len(schedules)]
        yield bytes([line, event, len(schedule)] + schedule) + body


def chunked(body, size):
    """`body` in chunks of `size` bytes, with the last chunk."""
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


HEADS = [
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n\r\n",
    b"HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 12\r\n\r\n",
    b"HTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 15\r\n\r\ninvalid api key",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
]

CHUNKED_BODIES = [
    b"0\r\n\r\n",
    b"A;ext=1\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
    b"5 \t;a=b\r\nhello\r\n0\r\n\r\n",
    b"ffffffffffffffffff\r\n",
    b"3\r\nabcX\r\n",
]


def http_response_seeds():
    # mode byte: mode % 4 selects the case, mode / 4 the header slots (16).
    response, chunked_body, encode = 0 + 4 * 16, 2, 3
    for head in HEADS:
        yield bytes([response, 255, 0]) + head
        yield bytes([response, 255, 1, 1]) + head + chunked(b"data: x\n\n", 3)
    for body in CHUNKED_BODIES:
        yield bytes([chunked_body, 255, 0]) + body
        yield bytes([chunked_body, 4, 1, 1]) + body
    for i, (_, _, body) in enumerate(decode_bodies()):
        if i % 2:
            continue
        i //= 2
        if i % 4 == 0:
            yield bytes([response, 255, 1, 5]) + HEADS[0] + chunked(body, 7)
        elif i % 4 == 1:
            head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
            yield bytes([response, 255, 1, 3]) + head + body
        elif i % 4 == 2:
            yield bytes([chunked_body, 255, 2, 1, 4]) + chunked(body, 5)
        else:
            yield bytes([encode, 255, 1, 6]) + body


def u16(n):
    return min(n, 0xFFFE).to_bytes(2, "little")


def client_seed(vector):
    """A client vector's config and steps in the client_timeline layout."""
    c = vector.get("config", {})
    backoff = c.get("backoff")
    flags = (c.get("mode") == "one_shot") | (bool(backoff) << 1)
    flags |= (bool(backoff and backoff.get("jitter")) << 2)
    flags |= ("idle_timeout_ms" in c) << 3 | ("retry_budget" in c) << 4
    out = bytes([flags]) + u16(c.get("reconnect_ms", 3000)) + u16(c.get("idle_timeout_ms", 0))
    out += u16(c.get("healthy_after_ms", 10000)) + u16((backoff or {}).get("max_ms", 0))
    seed_id = c.get("last_event_id", "").encode()
    out += bytes([min(c.get("retry_budget", 0), 255), c.get("seed", 0) % 256, 255, len(seed_id)])
    out += seed_id
    prev = 0
    for step in vector["steps"]:
        dt = u16(step["t"] - prev)
        prev = step["t"]
        if "response" in step:
            resp = step["response"]
            status = resp["status"]
            si = {200: 0, 204: 3, 301: 4, 401: 5, 500: 6, 103: 7}.get(status, 5)
            ctype = resp.get("content_type")
            ti = {"text/event-stream": 0, "text/event-stream; charset=utf-8": 1, None: 3,
                  "text/plain": 4, "": 5}.get(ctype, 2)
            out += bytes([0]) + dt + bytes([si, ti])
        elif "bytes" in step:
            data = step["bytes"].encode()[:255]
            out += bytes([1]) + dt + bytes([len(data)]) + data
        elif "end" in step:
            out += bytes([2]) + dt + bytes([step["end"] == "truncated"])
        elif step.get("error"):
            out += bytes([3]) + dt
        elif step.get("timeout"):
            out += bytes([4]) + dt
        elif step.get("close"):
            out += bytes([5]) + dt
        else:
            out += bytes([6]) + dt
            continue
        out += bytes([6, 0, 0])  # drain poll_action, as the vector runner does
    return out


def client_timeline_seeds():
    for path in sorted(glob.glob(os.path.join(VECTORS, "client", "*.json"))):
        with open(path, encoding="utf-8") as f:
            vector = json.load(f)
        seed = client_seed(vector)
        yield seed
        # The same timeline one-shot, and with a 1 s idle timeout.
        yield bytes([seed[0] | 1]) + seed[1:]
        yield bytes([seed[0] | 8]) + seed[1:3] + u16(1000) + seed[5:]


def short(text):
    data = text.encode("utf-8")[:255]
    return bytes([len(data)]) + data


def long(text):
    data = text.encode("utf-8")[:0xFFFF]
    return len(data).to_bytes(2, "little") + data


def frame(item):
    """An expected decode item as a frame in the FrameIn::read layout."""
    if item["type"] == "event":
        ty = item["event"] if item["event"] != "message" else None
        flags = (ty is not None) | (bool(item["id"]) << 1)
        out = bytes([0, flags])
        if ty is not None:
            out += short(ty)
        if item["id"]:
            out += short(item["id"])
        return out + long(item["data"])
    if item["type"] == "comment":
        return bytes([1]) + long(item["text"])
    if item["type"] == "retry":
        return bytes([3]) + item["ms"].to_bytes(8, "little")
    return b""


def expected_items():
    """The expected items of every decode vector, as lists."""
    for path in sorted(glob.glob(os.path.join(VECTORS, "decode", "*.json"))):
        with open(path, encoding="utf-8") as f:
            for vector in json.load(f):
                yield [i for i in vector["expect"] if i["type"] != "error"]


def roundtrip_seeds():
    for i, items in enumerate(expected_items()):
        if i % 2:
            continue
        frames = b"".join(frame(item) for item in items)
        if frames:
            yield bytes([i % 4]) + frames + bytes([2])
    # Refused: CR in an event type, NUL in an id; an event with a retry.
    yield bytes([0, 0, 1]) + short("a\rb") + long("x")
    yield bytes([0, 0, 2]) + short("1\x002") + long("x")
    yield bytes([0, 0, 7]) + (3000).to_bytes(8, "little") + short("t") + short("") + long("a\r\nb\n")


def encode_seeds():
    seen = set()
    for i, items in enumerate(expected_items()):
        for item in items:
            seed = bytes([i % 4]) + frame(item)
            if seed not in seen and len(seen) < 80:
                seen.add(seed)
                yield seed
    yield bytes([2, 2])
    yield bytes([0, 0, 3]) + short("a\nb") + short("1\r") + long("")


TARGETS = {
    "decode": decode_seeds,
    "decode_chunks": decode_chunks_seeds,
    "http_response": http_response_seeds,
    "client_timeline": client_timeline_seeds,
    "roundtrip": roundtrip_seeds,
    "encode": encode_seeds,
}

if __name__ == "__main__":
    for target, make in TARGETS.items():
        write(target, make())
