// The Express server of the usual Node tutorial: res.write('data: ...\n\n') on a
// chunked response, resuming after the Last-Event-ID header. It streams the
// scripted sequence in $SCRIPT (JSON, from lib/script.py), one event every
// $INTERVAL_MS, then holds the connection open.
//
//   GET /events      the sequence, after Last-Event-ID
//   GET /big-line    `data: ` and $BIG_LINE_BYTES bytes of "x" without a line end
//
// usage: PORT=... SCRIPT=... [INTERVAL_MS=5] node express.js
const fs = require('fs');
const express = require('express');

const events = JSON.parse(fs.readFileSync(process.env.SCRIPT, 'utf8'));
const interval = Number(process.env.INTERVAL_MS || 5);
const app = express();

app.get('/events', (req, res) => {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.write('retry: 10\n\n');
  const lastId = req.header('Last-Event-ID');
  let next = lastId === undefined ? 0 : events.findIndex((e) => e.id === lastId) + 1;
  const timer = setInterval(() => {
    if (next >= events.length) return clearInterval(timer);
    const e = events[next++];
    let text = `id: ${e.id}\n`;
    if (e.event) text += `event: ${e.event}\n`;
    for (const line of e.data.split('\n')) text += `data: ${line}\n`;
    res.write(text + '\n');
  }, interval);
  req.on('close', () => clearInterval(timer));
});

app.get('/big-line', (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  res.write('data: ');
  const chunk = 'x'.repeat(64 * 1024);
  let left = Number(process.env.BIG_LINE_BYTES || 10 * 1024 * 1024);
  const more = () => {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!res.write(chunk.slice(0, n))) return res.once('drain', more);
    }
  };
  more();
});

app.listen(Number(process.env.PORT), '127.0.0.1');
