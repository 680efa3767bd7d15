"""What the two Python servers share: the scripted sequence from $SCRIPT (JSON,
from lib/script.py), where to resume it, and the pace ($INTERVAL_MS)."""
import json
import os

EVENTS = json.load(open(os.environ["SCRIPT"], encoding="utf-8"))
INTERVAL = int(os.environ.get("INTERVAL_MS", "5")) / 1000


def resume_after(last_event_id):
    """The index of the first event after `last_event_id` (0 without one)."""
    for index, event in enumerate(EVENTS):
        if event["id"] == last_event_id:
            return index + 1
    return 0
