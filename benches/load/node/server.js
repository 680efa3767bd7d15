// The Express peer of sse-load, written the way Express SSE servers usually
// are: every subscriber's `res` in a Set, `res.write` per event per client.
//   GET  /events                 text/event-stream, every event has an id
//   POST /publish[?event=NAME]   the text body becomes one event's data; {"id":"..."}
// Usage: node server.js [PORT] [HOST]   (prints "listening on HOST:PORT")
'use strict';
const express = require('express');

const port = Number(process.argv[2] || 8083);
const host = process.argv[3] || '127.0.0.1';
const app = express();
const clients = new Set();
let nextId = 0;

app.get('/events', (req, res) => {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.flushHeaders();
  clients.add(res);
  req.on('close', () => clients.delete(res));
});

app.post('/publish', express.text({ type: '*/*', limit: '1mb' }), (req, res) => {
  const id = String(++nextId);
  const name = typeof req.query.event === 'string' ? `event: ${req.query.event}\n` : '';
  const data = String(req.body).split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
  const frame = `id: ${id}\n${name}${data}\n`;
  for (const client of clients) client.write(frame);
  res.json({ id });
});

// Keepalive comments every 15 s, as the Rust peers send.
setInterval(() => {
  for (const client of clients) client.write(': keepalive\n\n');
}, 15000).unref();

const server = app.listen(port, host, 4096, () => {
  console.log(`listening on ${host}:${port}`);
});
server.keepAliveTimeout = 0;
server.headersTimeout = 0;
server.requestTimeout = 0;
