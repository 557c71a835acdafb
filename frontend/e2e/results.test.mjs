// Several strategies in one experiment and reading the results, against the real binary:
// the wizard launches fine-tune, two freeze depths and a linear probe against one scratch
// baseline and the live page shows every arm; Compare reads values on hover, sorts and
// renames runs, groups arms into a band; the run page's confusion matrix shows every one
// of ten classes at 1366 px and on a 390 px phone. Screenshots go to frontend/e2e/screenshots/.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { barsDataset } from './fixtures.mjs';
import { launchBrowser, screenshot, screenshotDir, startServer } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
let experimentId = '';
let runs = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser({ width: 1366, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the wizard launches several strategies against one scratch baseline and the live page shows every arm', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/experiments/new`);
  await page.getByTestId('choice-dataset-mnist-5-9-50').click();
  await page.getByRole('button', { name: 'Next' }).click();

  // The zoo apart from models trained here, with the models that fit 28x28 grey marked.
  await page.getByTestId('model-group-zoo').waitFor();
  assert.equal(await page.getByTestId('model-group-here').count(), 0, 'nothing has been trained here yet');
  await page.getByTestId('choice-model-cnn-mnist04').click();
  assert.match((await page.getByTestId('choice-model-cnn-mnist04').textContent()) ?? '', /fits your 28×28 grey images/);
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByRole('heading', { name: /Step 3 of 5: Strategy/ }).waitFor();
  await page.getByTestId('choice-freeze').click();
  await page.getByTestId('freeze-2').check();
  await page.getByTestId('choice-linear-probe').click();
  assert.equal(await page.getByTestId('arm-count').textContent(), '5 arms (at most 8)');
  // Without scratch, one strategy alone is not an experiment.
  await page.getByTestId('choice-freeze').click();
  await page.getByTestId('choice-linear-probe').click();
  await page.getByTestId('scratch-toggle').uncheck();
  await page.getByRole('button', { name: 'Next' }).click();
  assert.match((await page.getByRole('alert').textContent()) ?? '', /two or more arms/);
  await page.getByTestId('scratch-toggle').check();
  assert.equal(await page.getByRole('alert').count(), 0, 'the problem stays after it was fixed');
  await page.getByTestId('choice-freeze').click();
  await page.getByTestId('choice-linear-probe').click();
  assert.equal(await page.getByTestId('freeze-1').isChecked(), true);
  assert.equal(await page.getByTestId('freeze-2').isChecked(), true);
  await screenshot(page, 'results-wizard-strategies-1366x900');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `the strategy step is ${wide}px wider than a phone`);
  await screenshot(page, 'results-wizard-strategies-390x844');
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.getByRole('button', { name: 'Next' }).click();

  await page.locator('input[name="epochs"]').fill('1');
  await page.locator('input[name="replicates"]').fill('1');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: /Step 5 of 5: Review/ }).waitFor();
  assert.equal(await page.getByTestId('review-arms').textContent(), 'Fine-tune, Freeze bottom 1, Freeze bottom 2, Linear probe vs From scratch');
  const placeholder = await page.getByRole('textbox', { name: /Experiment name/ }).getAttribute('placeholder');
  assert.equal(placeholder, 'MNIST digits 5-9, 50 per class: fine-tune, freeze 1, freeze 2, linear probe vs scratch · from cnn on MNIST digits 0-4');
  await page.getByTestId('launch').click();
  await page.waitForURL(/\/experiments\/exp_/, { timeout: 15_000 });
  experimentId = new URL(page.url()).pathname.split('/').pop();

  // The server named it the way the wizard said it would, and the page shows names, not ids.
  await page.getByRole('heading', { level: 1, name: placeholder }).waitFor();
  const meta = (await page.locator('.page-meta').textContent()) ?? '';
  assert.match(meta, /MNIST digits 5-9, 50 per class/);
  assert.doesNotMatch(meta, /mnist-5-9-50|cnn-mnist04/);

  await page.getByTestId('arm').nth(4).waitFor();
  assert.equal(await page.getByTestId('arm').count(), 5);
  const titles = await page.getByTestId('arm').locator('h3').allTextContents();
  assert.deepEqual(titles, ['Fine-tune', 'Freeze bottom 1', 'Freeze bottom 2', 'Linear probe', 'From scratch']);
  await page.waitForFunction(
    () => Number(document.querySelector('[data-metric="train_loss"]')?.getAttribute('data-points')) > 0,
    null,
    { timeout: 60_000, polling: 100 },
  );
  await screenshot(page, 'results-live-five-arms-running-1366x900');
  const e = await server.waitFinished(experimentId);
  runs = e.runs;
  assert.deepEqual(runs.map((r) => r.status), Array(5).fill('succeeded'));
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid="arm"] [data-testid="status"]')].every((s) => s.textContent === 'succeeded'),
    null,
    { timeout: 30_000 },
  );
  await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.getAttribute('data-final') === 'true', null, { timeout: 30_000 });
  assert.equal(await page.getByTestId('verdict-row').count(), 4, 'one verdict row per non-scratch arm');
  await screenshot(page, 'results-live-five-arms-finished-1366x900');
});

test('compare reads every value on hover, sorts and renames runs, and groups arms', async () => {
  assert.ok(runs.length === 5, 'no experiment ran');
  const { page } = browser;
  await page.getByRole('link', { name: 'Compare these runs' }).click();
  await page.waitForURL(/\/compare\?runs=/);
  const table = page.getByTestId('metrics-table');
  await table.waitFor();
  assert.equal(await table.locator('tbody tr').count(), 5);
  assert.equal(await page.getByTestId('compare-speedups').getByTestId('speedup-badge').count(), 4);

  // The picker stays open while runs are unticked and ticked again.
  const picker = page.getByTestId('run-picker');
  await picker.locator('summary').click();
  const boxes = picker.locator('input[type="checkbox"]');
  await boxes.nth(1).uncheck();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="metrics-table"] tbody tr').length === 4);
  assert.equal(await picker.evaluate((d) => d.open), true, 'the picker closed after one pick');
  await boxes.nth(1).check();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="metrics-table"] tbody tr').length === 5);
  assert.equal(await picker.evaluate((d) => d.open), true, 'the picker closed after a second pick');
  await picker.locator('summary').click();

  // Hover: the readout lists every run's value at that step.
  const chart = page.locator('[data-metric="val_acc"] .u-over');
  await chart.waitFor();
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
  const readout = page.locator('[data-metric="val_acc"]').getByTestId('readout');
  await readout.locator('.v').nth(4).waitFor({ timeout: 5_000 });
  assert.equal(await readout.locator('.v').count(), 5);
  assert.match((await readout.textContent()) ?? '', /Step \d+.*Fine-tune 0\.\d+.*From scratch 0\.\d+/s);
  await screenshot(page, 'results-compare-hover-1366x900');

  // Sort by test accuracy: best first, then flipped.
  const testAccs = async () =>
    (await table.locator('tbody td[data-label="Test acc"]').allTextContents()).map((t) => parseFloat(t));
  await page.getByTestId('sort-test_acc').click();
  let accs = await testAccs();
  assert.deepEqual(accs, [...accs].sort((a, b) => b - a), `not best first: ${accs}`);
  assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1);
  await page.getByTestId('sort-test_acc').click();
  accs = await testAccs();
  assert.deepEqual(accs, [...accs].sort((a, b) => a - b), `not worst first: ${accs}`);

  // Rename a run and tag it; the name reaches the legend and survives a reload.
  const scratchRow = table.locator(`tbody tr[data-run="${runs[4].id}"]`);
  await scratchRow.getByRole('button', { name: /Rename or tag/ }).click();
  await page.getByTestId('name-input').fill('baseline');
  await page.getByTestId('tags-input').fill('scratch, seed 1');
  await page.getByTestId('name-input').press('Enter');
  await scratchRow.getByTestId('run-name').filter({ hasText: 'baseline' }).waitFor();
  assert.deepEqual(await scratchRow.getByTestId('tag').allTextContents(), ['scratch', 'seed 1']);
  assert.match((await page.locator('ul.legend').textContent()) ?? '', /baseline/);
  await page.getByTestId('sort-name').click();
  assert.equal(await table.locator('tbody tr').first().getByTestId('run-name').textContent(), 'baseline');
  await page.reload();
  await table.locator(`tbody tr[data-run="${runs[4].id}"]`).getByTestId('run-name').filter({ hasText: 'baseline' }).waitFor();
  const saved = await server.api(`/runs/${runs[4].id}`);
  assert.deepEqual([saved.name, saved.tags], ['baseline', ['scratch', 'seed 1']]);

  // Group by arm and log-scale losses redraw the charts; the y-axis zooms with a box drag.
  await page.getByTestId('group-by-arm').check();
  await page.getByTestId('log-loss').check();
  await page.locator('[data-metric="val_loss"] canvas').waitFor();
  await page.waitForFunction(() => {
    const r = document.querySelector('[data-metric="val_loss"] [role="img"]')?.getAttribute('data-y-range');
    return r && Number(r.split(',')[0]) > 0;
  });
  const [llo, lhi] = ((await page.locator('[data-metric="val_loss"] [role="img"]').getAttribute('data-y-range')) ?? '').split(',').map(Number);
  assert.ok(llo > 0 && lhi / llo < 3, `the log loss axis spans ${llo}-${lhi}, not the losses`);
  await page.locator('[data-metric="val_acc"] .u-over').scrollIntoViewIfNeeded();
  const acc = await page.locator('[data-metric="val_acc"] .u-over').boundingBox();
  assert.ok(acc);
  const yTicks = () => page.locator('[data-metric="val_acc"] [role="img"]').getAttribute('data-y-range');
  const before = await yTicks();
  await page.mouse.move(acc.x + acc.width * 0.05, acc.y + acc.height * 0.45);
  await page.mouse.down();
  await page.mouse.move(acc.x + acc.width * 0.95, acc.y + acc.height * 0.85, { steps: 6 });
  await page.mouse.up();
  assert.equal(before, '0,1', 'accuracy starts on the whole 0-1 range');
  const [lo, hi] = ((await yTicks()) ?? '').split(',').map(Number);
  assert.ok(lo > 0.1 && hi < 0.6 && hi > lo, `the y-axis did not zoom to the box: ${lo}-${hi}`);
  await screenshot(page, 'results-compare-zoomed-log-1366x900');

  // Two replicates of fine-tune and scratch (seeds 1 and 2) grouped: each arm a mean and a band.
  const again = await server.api('/experiments', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataset_id: 'mnist-5-9-50', base_model_id: 'cnn-mnist04', arms: [{ strategy: 'finetune' }, { strategy: 'scratch' }], hyper: { epochs: 1, seed: 2 } }),
  });
  const twin = (await server.waitFinished(again.id)).runs;
  await page.goto(`${server.url}/compare?runs=${[runs[0].id, runs[4].id, twin[0].id, twin[1].id].join(',')}`);
  await page.getByTestId('metrics-table').waitFor();
  await page.getByTestId('group-by-arm').check();
  const legend = (await page.locator('ul.legend').textContent()) ?? '';
  assert.match(legend, /Fine-tune \(2 runs, mean and range\)/);
  assert.match(legend, /From scratch \(2 runs, mean and range\)/);
  // The grouped chart is drawn again as each run's curves arrive, so the element found
  // may be replaced while scrolling to it: find it again until one stays put.
  const grouped = page.locator('[data-metric="val_acc"] .u-over');
  let g = null;
  for (let i = 0; i < 10 && !g; i++) {
    g = await grouped
      .scrollIntoViewIfNeeded()
      .then(() => grouped.boundingBox())
      .catch(() => page.waitForTimeout(200).then(() => null));
  }
  assert.ok(g, 'the grouped accuracy chart never settled');
  await page.mouse.move(g.x + g.width * 0.6, g.y + g.height / 2);
  const band = page.locator('[data-metric="val_acc"]').getByTestId('readout');
  await band.locator('.v').nth(1).waitFor();
  assert.equal(await band.locator('.v').count(), 2, 'one value per arm');
  assert.match((await band.textContent()) ?? '', /Fine-tune 0\.\d+ \(0\.\d+–0\.\d+\)/);
  await screenshot(page, 'results-compare-grouped-1366x900');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `compare is ${overflow}px wider than a phone`);
  await screenshot(page, 'results-compare-390x844');
  await page.setViewportSize({ width: 1366, height: 900 });
});

test('the confusion matrix shows all ten classes at 1366 px and on a phone, with readable numbers', async () => {
  const { page } = browser;
  const dir = await mkdtemp(join(tmpdir(), 'transferlab-e2e-clothes-'));
  const file = join(dir, 'clothes.tar.gz');
  const names = ['sweater', 'trouser', 'pullover', 'ankle boot', 'sandal', 'shirt', 'sneaker', 'bag', 'coat', 'dress'];
  await writeFile(file, barsDataset(names, 20));
  const form = new FormData();
  form.set('file', new Blob([await import('node:fs/promises').then((fs) => fs.readFile(file))]), 'clothes.tar.gz');
  form.set('name', 'clothes');
  const ds = await server.api('/datasets', { method: 'POST', body: form });
  const exp = await server.api('/experiments', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataset_id: ds.id, base_model_id: 'cnn-mnist04', arms: [{ strategy: 'finetune' }, { strategy: 'scratch' }], hyper: { epochs: 1 } }),
  });
  assert.match(exp.name, /^clothes: fine-tune vs scratch · from /);
  const done = await server.waitFinished(exp.id);
  const runId = done.runs[0].id;

  for (const [width, height] of [
    [1366, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/runs/${runId}`);
    const matrix = page.getByTestId('confusion');
    await matrix.waitFor({ timeout: 30_000 });
    await page.getByTestId('per-class').waitFor();
    const cells = await matrix.locator('tbody button').evaluateAll((bs) =>
      bs.map((b) => {
        const r = b.getBoundingClientRect();
        return { left: r.left, right: r.right, width: r.width, font: parseFloat(getComputedStyle(b).fontSize) };
      }),
    );
    assert.equal(cells.length, 100);
    const wrap = await matrix.evaluate((t) => ({ scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth }));
    assert.ok(wrap.scroll <= wrap.client, `the matrix scrolls sideways at ${width}px: ${wrap.scroll} > ${wrap.client}`);
    for (const c of cells) {
      assert.ok(c.left >= 0 && c.right <= width, `a cell is off screen at ${width}px: ${JSON.stringify(c)}`);
      assert.ok(c.width >= 24 && c.font >= 11, `a cell is too small to read at ${width}px: ${JSON.stringify(c)}`);
    }
    const headers = await matrix.locator('thead th[scope="col"]').count();
    assert.equal(headers, 10);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the run page is ${overflow}px wider than ${width}px`);
    if (width < 600) {
      // The per-class table is one card per class: no column clipped.
      const perClass = await page.getByTestId('per-class').evaluate((t) => ({ scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth }));
      assert.ok(perClass.scroll <= perClass.client, `the per-class table scrolls sideways: ${JSON.stringify(perClass)}`);
      assert.equal(await page.getByTestId('per-class').locator('thead').evaluate((h) => h.getBoundingClientRect().height <= 1), true);
    }
    await matrix.scrollIntoViewIfNeeded();
    await screenshot(page, `results-run-confusion-${width}x${height}`);
    await matrix.screenshot({ path: join(screenshotDir, `results-confusion-matrix-${width}.png`) });
  }
  await page.setViewportSize({ width: 1366, height: 900 });

  // Models trained here are listed apart from the zoo, named by the dataset they learned.
  await page.goto(`${server.url}/experiments/new?dataset=${ds.id}`);
  await page.getByRole('button', { name: 'Next' }).click();
  const here = page.getByTestId('model-group-here');
  await here.waitFor();
  const trained = page.locator(`[data-testid="choice-model-${done.runs[0].model_id}"]`);
  assert.match((await trained.textContent()) ?? '', /trained on clothes/);
  assert.doesNotMatch((await trained.textContent()) ?? '', /ds_/);
  await screenshot(page, 'results-wizard-model-groups-1366x900');
});

test('no console or page errors', () => {
  assert.deepEqual(browser.errors, []);
});
