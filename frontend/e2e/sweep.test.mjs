// A labels sweep launched from the wizard on the standard task (digits 5-9 from the
// 0-4 cnn), against the real binary: the sweep page's charts fill in as cells finish,
// with a band per strategy, and end by saying where the lines cross.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, startServer } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser({ width: 1366, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a labels sweep launched from the wizard fills its chart in live', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/experiments/new`);
  await page.getByRole('heading', { name: /Step 1 of 5: Dataset/ }).waitFor();
  await page.getByTestId('choice-dataset-mnist-5-9-50').click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: /Step 2 of 5: Base model/ }).waitFor();
  await page.getByTestId('choice-model-cnn-mnist04').click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: /Step 3 of 5: Strategy/ }).waitFor();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: /Step 4 of 5: Hyperparameters/ }).waitFor();
  // Small epochs and a small validation sample keep the sweep to a minute or two.
  await page.locator('input[name="epochs"]').fill('3');
  assert.equal(await page.locator('input[name="replicates"]').inputValue(), '3');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: /Step 5 of 5: Review/ }).waitFor();

  await page.getByTestId('sweep-toggle').check();
  assert.equal(await page.getByTestId('sweep-axis-labels_per_class').isChecked(), true, 'labels per class is the default axis');
  assert.equal(await page.getByTestId('sweep-values').inputValue(), '2, 5, 10, 20, 50');
  await page.getByTestId('sweep-values').fill('2, 10, 50');
  assert.match((await page.getByTestId('sweep-size').textContent()) ?? '', /3 values × 2 arms × 3 replicates = 18 runs/);
  assert.equal(await page.getByTestId('launch').textContent(), 'Launch the sweep');
  await screenshot(page, 'sweep-wizard-1366x900');
  await page.getByTestId('launch').click();
  await page.waitForURL(/\/sweeps\/swp_/, { timeout: 15_000 });
  const id = new URL(page.url()).pathname.split('/').pop();

  const chart = page.getByTestId('sweep-acc-chart');
  await chart.waitFor();
  assert.equal(await page.getByTestId('sweep-cell').count(), 3);
  // Live: the first cell's points are drawn while later cells still train.
  await page.waitForFunction(
    () => {
      const c = document.querySelector('[data-testid="sweep-acc-chart"]');
      const open = [...document.querySelectorAll('[data-testid="sweep-cell"]')].some((r) => r.getAttribute('data-status') !== 'succeeded');
      return Number(c?.getAttribute('data-points')) >= 2 && open;
    },
    null,
    { timeout: 240_000, polling: 200 },
  );
  assert.match((await page.getByTestId('crossings').textContent()) ?? '', /so far/, 'while cells train, the crossing says so far');
  await screenshot(page, 'sweep-live-1366x900');

  // Finished: two lines (fine-tune and scratch) at every value, each with a band, and the
  // crossing in words.
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="sweep-acc-chart"]')?.getAttribute('data-points')) === 6 &&
      [...document.querySelectorAll('[data-testid="sweep-cell"]')].every((r) => r.getAttribute('data-status') === 'succeeded'),
    null,
    { timeout: 400_000, polling: 500 },
  );
  await page.waitForFunction(() => !/so far/.test(document.querySelector('[data-testid="crossings"]')?.textContent ?? 'so far'), null, {
    timeout: 30_000,
    polling: 500,
  });
  assert.equal(await chart.getAttribute('data-bands'), '2');
  assert.equal(await page.getByTestId('sweep-second-chart').getAttribute('data-points'), '6');
  const words = (await page.getByTestId('crossings').textContent()) ?? '';
  assert.match(words, /(scratch|Fine-tune)/);
  assert.match((await page.getByTestId('sweep-progress').textContent()) ?? '', /18 of 18 runs finished/);
  await screenshot(page, 'sweep-final-1366x900');

  // The sweep is listed with the experiments; its cells are ordinary experiments.
  const res = await fetch(`${server.url}/api/sweeps/${id}`);
  const sweep = await res.json();
  assert.equal(sweep.cell_views.length, 3);
  await page.goto(`${server.url}/experiments`);
  await page.getByTestId('sweep-list').getByRole('link').first().waitFor();
  await page.goto(`${server.url}/experiments/${sweep.cell_views[0].experiment_id}`);
  await page.getByTestId('verdict').waitFor({ timeout: 15_000 });
  assert.deepEqual(browser.errors, []);
});

test('a frozen-depth sweep charts accuracy and seconds per epoch against the depth', async () => {
  const res = await fetch(`${server.url}/api/sweeps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      dataset_id: 'mnist-5-9-50',
      base_model_id: 'cnn-mnist04',
      axis: 'freeze_depth',
      values: [0, 1, 2, 'linear-probe'],
      replicates: 2,
      hyper: { epochs: 2, val_limit: 200 },
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { id } = await res.json();
  const { page } = browser;
  await page.goto(`${server.url}/sweeps/${id}`);
  await page.getByRole('heading', { name: 'Seconds per epoch against frozen bottom layers' }).waitFor();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="sweep-second-chart"]')?.getAttribute('data-points')) === 8,
    null,
    { timeout: 300_000, polling: 500 },
  );
  assert.equal(await page.getByTestId('sweep-acc-chart').getAttribute('data-bands'), '2');
  assert.match((await page.getByTestId('crossings').textContent()) ?? '', /frozen model/);
  await screenshot(page, 'sweep-freeze-final-1366x900');
  assert.deepEqual(browser.errors, []);
});
