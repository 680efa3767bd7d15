// The npm `eventsource` package (the WHATWG EventSource for Node) as a
// client of our servers: prints `{"type":"open"}` for each response that
// opens the stream and each event as `{"type":"event","event":..,"data":..,"id":..}`
// (the JSON Lines of `sse listen`, so lib/script.py checks all clients one
// way), and exits 0 after N events. It reconnects by itself, with
// Last-Event-ID, as the standard says.
//
// usage: node eventsource.js URL N
// Named events reach only listeners of their name: it listens to `message`
// and `tick`, the types of the scripted sequence (lib/script.py).
'use strict';
const { EventSource } = require('eventsource');

const [url, max] = [process.argv[2], Number(process.argv[3])];
const source = new EventSource(url);
let count = 0;
const print = (item) => process.stdout.write(`${JSON.stringify(item)}\n`);
source.onopen = () => print({ type: 'open' });
source.onerror = (e) => process.stderr.write(`error: ${e.message || e.code || 'reconnecting'}\n`);
for (const type of ['message', 'tick']) {
  source.addEventListener(type, (e) => {
    print({ type: 'event', event: e.type, data: e.data, id: e.lastEventId });
    count += 1;
    if (count >= max) {
      source.close();
      process.exit(0);
    }
  });
}
