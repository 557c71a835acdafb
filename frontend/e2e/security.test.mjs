// Cross-site attacks from a real page in Chromium against the real binary: a page on
// another origin tries to launch experiments with a no-cors fetch and a text/plain form
// and to open the live websocket; a rebinding name tries to load the app. Each is
// refused, and the app itself still works under its Content-Security-Policy.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { freePort, launchBrowser, startServer } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {import('node:http').Server} */
let evil;
let evilOrigin = '';
let datasetId = '';
let experimentId = '';

const experimentBody = () =>
  JSON.stringify({ dataset_id: datasetId, arch: 'mlp', arms: [{ strategy: 'scratch' }], hyper: { epochs: 1 } });

// The attacker's page: it runs on its own origin, with nothing to stop its script.
const evilPage = (target) => `<!doctype html><html><head><link rel="icon" href="data:,"><title>cute cats</title></head><body>
<iframe name="sink" style="display:none"></iframe>
<form id="f" method="POST" action="${target}/api/experiments" enctype="text/plain" target="sink">
<input type="hidden" id="i">
</form>
<script>
window.results = {};
const body = ${JSON.stringify(experimentBody())};
fetch(${JSON.stringify(target)} + '/api/experiments', { method: 'POST', mode: 'no-cors', body })
  .then(() => { window.results.fetch = 'sent'; }, (e) => { window.results.fetch = 'error ' + e; });
// A text/plain form sends name=value: the name carries the JSON, the value closes it.
const i = document.getElementById('i');
i.name = body.slice(0, -1) + ',"x":"';
i.value = '"}';
document.getElementById('f').submit();
window.results.form = 'sent';
const ws = new WebSocket(${JSON.stringify(target.replace('http', 'ws'))} + '/api/experiments/${experimentId}/live');
ws.onmessage = (m) => { window.results.ws = 'message ' + String(m.data).slice(0, 40); };
ws.onerror = () => { window.results.ws = window.results.ws || 'refused'; };
ws.onclose = () => { window.results.ws = window.results.ws || 'refused'; };
fetch(${JSON.stringify(target)} + '/api/experiments').then((r) => r.text()).then(
  (t) => { window.results.read = 'read ' + t.slice(0, 40); }, () => { window.results.read = 'blocked'; });
</script></body></html>`;

const experimentCount = async () => {
  const res = await fetch(`${server.url}/api/experiments`);
  return (await res.json()).experiments.length;
};

before(async () => {
  server = await startServer();
  // A dataset and one experiment made the honest way, so the attacks have real ids.
  const form = new FormData();
  form.append('file', new Blob([await readFile(new URL('../../examples/shapes.zip', import.meta.url))]), 'shapes.zip');
  const up = await fetch(`${server.url}/api/datasets`, { method: 'POST', body: form });
  assert.equal(up.status, 201, await up.clone().text());
  datasetId = (await up.json()).id;
  const made = await fetch(`${server.url}/api/experiments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: experimentBody(),
  });
  assert.equal(made.status, 201, await made.clone().text());
  experimentId = (await made.json()).id;

  const port = await freePort();
  evilOrigin = `http://localhost:${port}`;
  evil = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(evilPage(server.url));
  });
  await new Promise((resolve) => evil.listen(port, '127.0.0.1', resolve));
  browser = await launchBrowser({ args: ['--host-resolver-rules=MAP rebind.test 127.0.0.1'] });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (evil ? evil.close(resolve) : resolve()));
  await server?.stop();
});

test('a page on another site cannot launch experiments, read them or watch them', async () => {
  const page = await browser.context.newPage();
  const refused = [];
  page.on('response', (r) => {
    if (r.url().startsWith(server.url)) refused.push(`${r.request().method()} ${r.status()}`);
  });
  await page.goto(`${evilOrigin}/`);
  await page.waitForFunction(() => {
    const r = /** @type {any} */ (window).results;
    return r && r.fetch && r.form && r.ws && r.read;
  });
  const results = await page.evaluate(() => /** @type {any} */ (window).results);
  await page.close();
  assert.equal(results.ws, 'refused', 'the live websocket opened for a foreign page');
  assert.equal(results.read, 'blocked', 'a foreign page read the experiments');
  assert.equal(await experimentCount(), 1, 'a cross-site request launched an experiment');
  // The form's POST reached the server and was refused there (the fetch's answer is
  // opaque to the page, and Chromium reports no response for it).
  assert.ok(refused.includes('POST 403'), `server answers seen: ${refused.join(', ')}`);
  // The browser errors this page caused are the refusals themselves, not the app's.
  browser.errors.length = 0;
});

test('a rebinding name gets nothing from the server', async () => {
  const port = new URL(server.url).port;
  const page = await browser.context.newPage();
  const res = await page.goto(`http://rebind.test:${port}/`);
  assert.equal(res?.status(), 421);
  const api = await page.goto(`http://rebind.test:${port}/api/experiments`);
  assert.equal(api?.status(), 421);
  assert.match(await page.content(), /unknown_host/);
  await page.close();
  browser.errors.length = 0;
});

test('the app runs under its Content-Security-Policy, and inline script is blocked', async () => {
  const { page } = browser;
  const res = await page.goto(`${server.url}/experiments/${experimentId}`);
  assert.equal(res?.status(), 200);
  const headers = res?.headers() ?? {};
  assert.match(headers['content-security-policy'] ?? '', /script-src 'self'/);
  assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  // The live view draws its charts (Svelte and uPlot under the policy).
  await page.locator('canvas').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(browser.errors, [], 'the app broke the policy');
  const ran = await page.evaluate(async () => {
    const violated = new Promise((resolve) => document.addEventListener('securitypolicyviolation', () => resolve(true), { once: true }));
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.append(s);
    await violated;
    return /** @type {any} */ (window).__injected === true;
  });
  assert.equal(ran, false, 'an injected inline script ran');
  browser.errors.length = 0;
});
