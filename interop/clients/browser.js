// Debian's Chromium, driven by playwright-core, against our servers through
// the page's own EventSource. One scenario per run; it prints what it
// measured as JSON on stdout and exits 1 with the reason on stderr when an
// expectation fails.
//
//   node browser.js page ORIGIN OUT     `sse serve`'s page: published default,
//                                       named and multi-line events with
//                                       their IDs, the publish form;
//                                       screenshot OUT/page.png
//   node browser.js resume ORIGIN       sse-hub-server, /events?drop=2: every
//                                       reconnect resumes, nothing missed
//   node browser.js retry ORIGIN        reconnect delays for retry: 300 and 3000
//   node browser.js gone ORIGIN         a 204 on the reconnect closes for good
//   node browser.js streams ORIGIN N    how many of N EventSources('/events')
//                                       get an event
//
// Chromium runs with exactly the flags of issue 13 and a fresh
// --user-data-dir (plus --remote-debugging-pipe, which playwright talks
// through; --ignore-certificate-errors for an https ORIGIN).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function expect(ok, why) {
  if (!ok) throw new Error(why);
}

async function withBrowser(origin, run) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sseio-chromium-'));
  const args = [...FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe'];
  const https = origin.startsWith('https:');
  if (https) args.push('--ignore-certificate-errors');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    ignoreDefaultArgs: true,
    args,
    timeout: 60000,
  });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: https });
    const page = await context.newPage();
    return await run(page);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// The rows of the page's #events table, oldest first.
function rows(page) {
  return page.$$eval('#events tr', (trs) =>
    trs.reverse().map((tr) => ({
      type: tr.getAttribute('data-type'),
      id: tr.getAttribute('data-id'),
      data: tr.querySelector('td.data').textContent,
    })),
  );
}

async function publish(origin, data, event) {
  const url = `${origin}/publish${event ? `?event=${encodeURIComponent(event)}` : ''}`;
  const response = await fetch(url, { method: 'POST', body: data });
  expect(response.ok, `POST ${url}: ${response.status}`);
  return (await response.json()).id;
}

async function page(origin, out) {
  return withBrowser(origin, async (page) => {
    await page.goto(`${origin}/`);
    await page.waitForSelector('#state[data-state="open"]');
    // The page listens to `message`, `tick` and `gap`; `greeting` by its form.
    await page.fill('#listen-event', 'greeting');
    await page.click('#listen-form button');
    await page.waitForFunction(() => document.getElementById('listened').textContent.includes('greeting'));
    const sent = [
      { data: 'plain default event' },
      { data: 'a named one', event: 'greeting' },
      { data: 'line 1\n\nline 3 after an empty one' },
    ];
    for (const e of sent) e.id = await publish(origin, e.data, e.event);
    await page.waitForFunction((n) => document.querySelectorAll('#events tr').length >= n, sent.length);
    let got = await rows(page);
    sent.forEach((e, i) => {
      const want = { type: e.event || 'message', id: e.id, data: e.data };
      expect(JSON.stringify(got[i]) === JSON.stringify(want),
        `row ${i + 1}: ${JSON.stringify(got[i])}, expected ${JSON.stringify(want)}`);
    });
    const lastId = await page.textContent('#last-id');
    expect(lastId === sent[sent.length - 1].id, `#last-id ${lastId}, expected ${sent[sent.length - 1].id}`);

    // The publish form, as a person uses it.
    const form = { data: 'typed in the form\nsecond line', event: 'form-event' };
    await page.fill('#publish-data', form.data);
    await page.fill('#publish-event', form.event);
    await page.click('#publish-button');
    await page.waitForFunction(() => /^published, id /.test(document.getElementById('publish-result').textContent));
    const result = await page.textContent('#publish-result');
    form.id = result.replace('published, id ', '');
    await page.waitForFunction((n) => document.querySelectorAll('#events tr').length >= n, sent.length + 1);
    got = await rows(page);
    const want = { type: form.event, id: form.id, data: form.data };
    expect(JSON.stringify(got[sent.length]) === JSON.stringify(want),
      `the form's event: ${JSON.stringify(got[sent.length])}, expected ${JSON.stringify(want)}`);
    const state = await page.textContent('#state');
    expect(state === 'open', `#state ${state} after publishing`);
    await page.screenshot({ path: path.join(out, 'page.png'), fullPage: true });
    return { rows: got, state, lastId };
  });
}

// In the page: one EventSource(url) until `until(log)` holds (checked on each
// event and error) or `ms` pass; the log of what happened, with times.
function watch(page, url, ms, until) {
  return page.evaluate(
    ([url, ms, until]) =>
      new Promise((resolve) => {
        const done = new Function('log', `return (${until})(log);`);
        const log = { events: [], opens: [], errors: [], states: [] };
        const source = new EventSource(url);
        const end = () => {
          source.close();
          resolve(log);
        };
        const check = () => {
          if (done(log)) end();
        };
        source.onopen = () => log.opens.push(performance.now());
        source.onmessage = (e) => {
          log.events.push({ id: e.lastEventId, data: e.data, at: performance.now() });
          check();
        };
        source.onerror = () => {
          log.errors.push(performance.now());
          log.states.push(source.readyState);
          check();
        };
        setTimeout(end, ms);
      }),
    [url, ms, until.toString()],
  );
}

async function resume(origin) {
  return withBrowser(origin, async (page) => {
    await page.goto(`${origin}/stats`);
    const log = await watch(page, '/events?drop=2&retry=50', 60000, (log) => log.events.length >= 40);
    expect(log.events.length >= 40, `${log.events.length} events in 60 s, expected 40`);
    const first = Number(log.events[0].id);
    log.events.forEach((e, i) => {
      const want = first + i;
      expect(e.id === String(want) && e.data === `event ${want}`,
        `event #${i + 1}: id ${e.id} data ${e.data}, expected id ${want} (missed or repeated)`);
    });
    expect(log.opens.length >= 5, `${log.opens.length} opens: the stream was not dropped and resumed`);
    return { events: log.events.length, first, opens: log.opens.length };
  });
}

async function retry(origin) {
  return withBrowser(origin, async (page) => {
    await page.goto(`${origin}/stats`);
    const gaps = {};
    for (const ms of [300, 3000]) {
      // Two drops: two reconnect delays, from the error to the next open.
      const log = await watch(page, `/events?drop=2&retry=${ms}`, 60000, (log) => log.opens.length >= 3);
      expect(log.opens.length >= 3, `retry ${ms}: ${log.opens.length} opens in 60 s`);
      gaps[ms] = [0, 1].map((i) => Math.round(log.opens[i + 1] - log.errors[i]));
    }
    const slowest = Math.max(...gaps[300]);
    const quickest = Math.min(...gaps[3000]);
    expect(quickest >= 2000, `retry: 3000 reconnected after ${quickest} ms`);
    expect(slowest < quickest, `retry: 300 took ${slowest} ms, retry: 3000 ${quickest} ms`);
    return { gaps };
  });
}

async function gone(origin) {
  return withBrowser(origin, async (page) => {
    await page.goto(`${origin}/stats`);
    const log = await watch(page, '/events?drop=2&resume=204', 20000, (log) => log.states.includes(2));
    expect(log.events.length >= 2, `${log.events.length} events before the drop, expected 2`);
    expect(log.states.includes(2), `readyState never CLOSED (${log.states.length} errors, each CONNECTING)`);
    // The check then counts the requests: none after the 204.
    await page.waitForTimeout(3000);
    return { events: log.events.length, opens: log.opens.length, states: log.states };
  });
}

async function streams(origin, n) {
  return withBrowser(origin, async (page) => {
    // An empty page on the origin (a 404): the EventSources are the only
    // requests on it.
    await page.goto(`${origin}/nothing-here`);
    const receiving = await page.evaluate(
      (n) =>
        new Promise((resolve) => {
          const got = new Set();
          const sources = [];
          for (let i = 0; i < n; i++) {
            const source = new EventSource('/events');
            const seen = () => got.add(i);
            source.onmessage = seen;
            source.addEventListener('tick', seen);
            sources.push(source);
          }
          setTimeout(() => {
            sources.forEach((s) => s.close());
            resolve(got.size);
          }, 5000);
        }),
      n,
    );
    const protocol = await page.evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol);
    return { receiving, protocol };
  });
}

async function main(argv) {
  const [mode, origin, extra] = argv;
  const scenarios = { page, resume, retry, gone, streams };
  if (!scenarios[mode] || !origin) {
    process.stderr.write('usage: node browser.js page|resume|retry|gone|streams ORIGIN [OUT|N]\n');
    return 2;
  }
  const arg = mode === 'streams' ? Number(extra) : extra;
  const result = await scenarios[mode](origin.replace(/\/$/, ''), arg);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
