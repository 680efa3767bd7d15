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
        schedule = schedules[i % len(schedules)]
        yield bytes([line, event, len(schedule)] + schedule) + body


TARGETS = {
    "decode": decode_seeds,
    "decode_chunks": decode_chunks_seeds,
}

if __name__ == "__main__":
    for target, make in TARGETS.items():
        write(target, make())
