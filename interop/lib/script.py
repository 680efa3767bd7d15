#!/usr/bin/env python3
"""The scripted event sequence every foreign server streams, and the check of
what a client received.

  script.py gen N              the sequence as JSON: [{"id", "event"?, "data"}]
  script.py check SCRIPT OUT   OUT (JSON Lines from `sse listen` or
                               sse-client-check) holds every event of SCRIPT
                               exactly once, in order; prints why not, exit 1
  script.py ids N OUT          OUT holds events with IDs 1..N and data
                               "event I" exactly once, in order (sse-hub-server)
  script.py publish URL SCRIPT FROM TO
                               POSTs events FROM..TO (1-based) of SCRIPT to
                               `sse serve`'s URL/publish and writes the IDs it
                               gave them into SCRIPT; with FROM 0, publishes
                               one event outside the script and prints its ID

The sequence has default and named events (`tick` every 5th), single- and
multi-line data (every 3rd has three lines, one of them empty), and an ID on
every event, so a resumed client can say where it was.
"""
import json
import sys
import urllib.parse
import urllib.request


def gen(n):
    events = []
    for i in range(1, n + 1):
        event = {"id": str(i), "data": f"event {i}"}
        if i % 3 == 0:
            event["data"] = f"event {i}, line 1\n\nline 3 of {i}"
        if i % 5 == 0:
            event["event"] = "tick"
        events.append(event)
    return events


def received(path):
    """The events in a client's JSON Lines output, as (event, data, id)."""
    got = []
    with open(path, encoding="utf-8") as out:
        for number, line in enumerate(out, 1):
            try:
                item = json.loads(line)
            except ValueError:
                sys.exit(f"{path}:{number}: not JSON: {line[:80]!r}")
            if item.get("type") == "event":
                got.append((item["event"], item["data"], item["id"]))
    return got


def compare(expected, got):
    """None when equal, else the first difference in words."""
    for index, (want, have) in enumerate(zip(expected, got)):
        if want != have:
            seen_before = have in got[:index]
            what = "a duplicate of an earlier event" if seen_before else "out of order or wrong"
            return f"event #{index + 1}: expected {want}, got {have} ({what})"
    if len(got) != len(expected):
        return f"expected {len(expected)} events, got {len(got)}"
    return None


def post(base, data, event=None):
    """Publishes one event on `sse serve` at BASE; the ID it was given."""
    url = base + "/publish"
    if event:
        url += "?event=" + urllib.parse.quote(event)
    with urllib.request.urlopen(url, data=data.encode(), timeout=10) as response:
        return json.load(response)["id"]


def publish(base, path, first, last):
    if first == 0:
        print(post(base, "before the script"))
        return
    with open(path, encoding="utf-8") as f:
        script = json.load(f)
    for event in script[first - 1 : last]:
        event["id"] = post(base, event["data"], event.get("event"))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(script, f)


def main(argv):
    if len(argv) == 2 and argv[0] == "gen":
        json.dump(gen(int(argv[1])), sys.stdout)
        return 0
    if len(argv) == 3 and argv[0] == "check":
        with open(argv[1], encoding="utf-8") as f:
            script = json.load(f)
        expected = [(e.get("event", "message"), e["data"], e["id"]) for e in script]
        problem = compare(expected, received(argv[2]))
    elif len(argv) == 5 and argv[0] == "publish":
        publish(argv[1], argv[2], int(argv[3]), int(argv[4]))
        return 0
    elif len(argv) == 3 and argv[0] == "ids":
        n = int(argv[1])
        expected = [("message", f"event {i}", str(i)) for i in range(1, n + 1)]
        problem = compare(expected, received(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    if problem:
        print(problem)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
