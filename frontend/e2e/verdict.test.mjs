// The verdict against the real binary on an uploaded dataset: a 3-replicate experiment
// shows each arm as a mean with a band while it trains, ends with a ranked verdict with
// intervals, and says there is no verdict (and why) when its baseline is cancelled.
// TRANSFERLAB_E2E_LONG=1 also trains the same experiment for 30 epochs and reports
// whether the speedup stays within the 10-epoch interval.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, startServer } from './harness.mjs';

const shapesZip = fileURLToPath(new URL('../../examples/shapes.zip', import.meta.url));

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
let datasetId = '';
/** The 10-epoch verdict row, for the 30-epoch comparison. */
let short = null;

before(async () => {
  server = await startServer();
  browser = await launchBrowser({ width: 1366, height: 900 });
  const form = new FormData();
  form.append('file', new Blob([await readFile(shapesZip)]), 'shapes.zip');
  form.append('name', 'shapes');
  const ds = await api('/datasets', { method: 'POST', body: form });
  datasetId = ds.id;
  for (let i = 0; i < 120; i++) {
    const d = await api(`/datasets/${datasetId}`);
    if (d.status === 'ready') return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the uploaded dataset never became ready');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(path, init) {
  const res = await fetch(`${server.url}/api${path}`, init);
  assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

const launch = (epochs, name) =>
  api('/experiments', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      dataset_id: datasetId,
      base_model_id: 'cnn-mnist04',
      arms: [{ strategy: 'finetune' }, { strategy: 'scratch' }],
      hyper: { epochs, replicates: 3 },
    }),
  });

async function waitDone(id, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = await api(`/experiments/${id}`);
    if (e.runs.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status))) return e;
    assert.ok(Date.now() < deadline, `experiment ${id} did not finish in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('a 3-replicate experiment shows bands live and ends with a verdict and intervals', async () => {
  const e = await launch(10, 'shapes, 3 replicates, 10 epochs');
  assert.equal(e.runs.length, 6);
  assert.deepEqual(
    e.runs.map((r) => [r.arm, r.replicate, r.seed]),
    [
      [0, 0, 1],
      [1, 0, 1],
      [0, 1, 2],
      [1, 1, 2],
      [0, 2, 3],
      [1, 2, 3],
    ],
  );
  const { page } = browser;
  await page.goto(`${server.url}/experiments/${e.id}`);
  await page.getByTestId('replicates').waitFor();
  assert.match((await page.getByTestId('replicates').textContent()) ?? '', /3 replicates.*varies.*seed/s);

  // Live: a band is drawn on the validation chart while runs are still training.
  await page.waitForFunction(
    () =>
      Number(document.querySelector('[data-metric="val_acc"]')?.getAttribute('data-bands')) >= 2 &&
      [...document.querySelectorAll('[data-testid="arm"] [data-testid="status"]')].some((s) => s.textContent === 'running'),
    null,
    { timeout: 120_000, polling: 100 },
  );
  await screenshot(page, 'verdict-live-bands-1366x900');

  await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.getAttribute('data-final') === 'true', null, {
    timeout: 240_000,
    polling: 250,
  });
  const speed = (await page.getByTestId('verdict-speed').first().textContent()) ?? '';
  assert.match(speed, /(x faster|x slower|not distinguishable|did not reach)/);
  assert.doesNotMatch(speed, /so far/);
  if (!/did not reach/.test(speed)) assert.match(speed, /interval \d/);
  const accuracy = (await page.getByTestId('verdict-accuracy').first().textContent()) ?? '';
  assert.match(accuracy, /final smoothed val acc .*interval.*test acc of final weights/);
  await screenshot(page, 'verdict-final-1366x900');
  await page.getByTestId('show-singles').check();
  await screenshot(page, 'verdict-final-singles-1366x900');

  const done = await api(`/experiments/${e.id}`);
  assert.equal(done.verdict.length, 1);
  const v = done.verdict[0];
  assert.equal(v.replicates, 3);
  assert.equal(v.final, true);
  assert.ok(v.acc_gap_val.lo !== null && v.acc_gap_val.hi !== null, 'no interval on the accuracy gap');
  short = v;
});

test('a cancelled baseline gives no verdict and says why', async () => {
  const e = await launch(30, 'shapes, baseline cancelled');
  const { page } = browser;
  await page.goto(`${server.url}/experiments/${e.id}`);
  const scratch = e.runs.find((r) => r.strategy === 'scratch' && r.replicate === 1);
  // Cancel once it has trained a little, so there are curves a careless page could misread.
  for (let i = 0; i < 240; i++) {
    const cur = await api(`/experiments/${e.id}`);
    if (cur.runs.find((r) => r.id === scratch.id).steps > 5) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await api(`/runs/${scratch.id}/cancel`, { method: 'POST' });
  await page.getByTestId('no-verdict').waitFor({ timeout: 30_000 });
  const why = (await page.getByTestId('no-verdict').textContent()) ?? '';
  assert.match(why, /no verdict.*scratch baseline.*cancelled/i);
  assert.equal(await page.getByTestId('verdict-row').count(), 0, 'a verdict row survived the cancelled baseline');
  await screenshot(page, 'verdict-baseline-cancelled-1366x900');
  await api(`/experiments/${e.id}/cancel`, { method: 'POST' });
  const ended = await waitDone(e.id, 60_000);
  assert.equal(ended.verdict.length, 0);
  assert.match(ended.no_verdict, /cancelled/);
});

test('the verdict stays put when the same experiment trains 30 epochs instead of 10', { skip: !process.env.TRANSFERLAB_E2E_LONG }, async (t) => {
  assert.ok(short, 'the 10-epoch experiment gave no verdict');
  const e = await launch(30, 'shapes, 3 replicates, 30 epochs');
  const done = await waitDone(e.id, 600_000);
  const long = done.verdict[0];
  const fmt = (r) => `${r.median?.toFixed(2)} (${r.lo?.toFixed(2) ?? '0'}-${r.hi?.toFixed(2) ?? 'unbounded'})`;
  const gap = (g) => `${(100 * g.mean).toFixed(1)} (${(100 * g.lo).toFixed(1)} to ${(100 * g.hi).toFixed(1)})`;
  t.diagnostic(`10 epochs: steps ${fmt(short.speedup_steps)}, seconds ${fmt(short.speedup_seconds)}, val gap ${gap(short.acc_gap_val)}, test gap ${gap(short.acc_gap_test)}`);
  t.diagnostic(`30 epochs: steps ${fmt(long.speedup_steps)}, seconds ${fmt(long.speedup_seconds)}, val gap ${gap(long.acc_gap_val)}, test gap ${gap(long.acc_gap_test)}`);
  t.diagnostic(`10 epochs: ${short.speed}`);
  t.diagnostic(`30 epochs: ${long.speed}`);
  const m = long.speedup_steps.median;
  assert.ok(m !== null && m >= (short.speedup_steps.lo ?? 0) && m <= (short.speedup_steps.hi ?? Infinity), 'the 30-epoch speedup left the 10-epoch interval');
});
