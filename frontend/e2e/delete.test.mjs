// Undoing a mistake from the pages, against the real binary: an experiment and a trained
// model are deleted with their buttons after an on-page confirmation, and a delete that
// would pull a model from under a training is refused with the server's reason.
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

const launch = (body) =>
  server.api('/experiments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('an experiment and a trained model are deleted from their pages; one in use is refused with the reason', async () => {
  const { page } = browser;
  // A finished experiment: two trained models.
  const first = await launch({
    name: 'mistake',
    dataset_id: 'mnist-5-9-50',
    base_model_id: 'cnn-mnist04',
    arms: [{ strategy: 'finetune' }, { strategy: 'scratch' }],
    hyper: { epochs: 1 },
  });
  const done = await server.waitFinished(first.id);
  assert.deepEqual(done.runs.map((r) => r.status), ['succeeded', 'succeeded']);
  const [tuned, scratch] = done.runs.map((r) => r.model_id);
  assert.ok(tuned && scratch, 'each finished run saved its model');
  // A second experiment trains from the fine-tuned model, long enough to be still training.
  const user = await launch({
    name: 'built on it',
    dataset_id: 'mnist-5-9-50',
    base_model_id: tuned,
    arms: [{ strategy: 'finetune' }, { strategy: 'scratch' }],
    hyper: { epochs: 200 },
  });

  // A training experiment cannot be deleted yet, and its page says what to do.
  await page.goto(`${server.url}/experiments/${user.id}`);
  const blocked = page.getByRole('button', { name: 'Delete the experiment' });
  await blocked.waitFor();
  assert.equal(await blocked.isDisabled(), true);
  assert.match((await page.getByTestId('delete-note').textContent()) ?? '', /Cancel it or let it finish before deleting it/);

  // The finished one asks first; "Keep it" keeps it.
  await page.goto(`${server.url}/experiments/${first.id}`);
  await page.getByRole('button', { name: 'Delete the experiment' }).click();
  const ask = page.getByTestId('confirm-delete');
  await ask.waitFor();
  assert.match((await ask.textContent()) ?? '', /Delete the experiment “mistake” with its 2 runs, their curves, checkpoints and trained models\? This cannot be undone\./);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Keep it', 'the safe answer has the focus');
  console.log('screenshot:', await screenshot(page, 'delete-experiment-confirm-1366x900'));
  await page.getByRole('button', { name: 'Keep it' }).click();
  await ask.waitFor({ state: 'detached' });

  // Its fine-tuned model is the base of the training experiment: refused, with the reason.
  await page.getByRole('button', { name: 'Delete the experiment' }).click();
  await ask.getByRole('button', { name: 'Delete', exact: true }).click();
  const refusal = page.locator('[role="alert"][data-code="experiment_in_use"]');
  await refusal.waitFor();
  assert.match(
    (await refusal.textContent()) ?? '',
    /its trained model model-\w+ is the base of experiment "built on it", which is still training\. Cancel that experiment or wait for it to finish, then delete this one\./,
  );
  assert.match(page.url(), new RegExp(`/experiments/${first.id}$`), 'a refused delete stays on the page');
  console.log('screenshot:', await screenshot(page, 'delete-experiment-refused-1366x900'));

  // On the models page: the model in use is refused on its card; the other one goes.
  await page.goto(`${server.url}/models`);
  const tunedCard = page.locator(`[id="${tuned}"]`);
  await tunedCard.getByRole('button', { name: 'Delete' }).click();
  assert.match((await tunedCard.getByTestId('confirm-delete').textContent()) ?? '', /Delete the trained model “.+” and its weights\?/);
  await tunedCard.getByRole('button', { name: 'Delete', exact: true }).click();
  await tunedCard.locator('[role="alert"][data-code="model_in_use"]').waitFor();
  assert.match((await tunedCard.locator('[role="alert"]').textContent()) ?? '', /Cancel that experiment or wait for it to finish, then delete the model\./);
  const scratchCard = page.locator(`[id="${scratch}"]`);
  await scratchCard.getByRole('button', { name: 'Delete' }).click();
  console.log('screenshot:', await screenshot(page, 'delete-model-confirm-1366x900'));
  await scratchCard.getByRole('button', { name: 'Delete', exact: true }).click();
  await scratchCard.waitFor({ state: 'detached' });
  await page.reload();
  await tunedCard.waitFor();
  assert.equal(await scratchCard.count(), 0, 'the deleted model is gone after a reload');
  assert.equal((await fetch(`${server.url}/api/models/${scratch}`)).status, 404);

  // Once the other training stops, the experiment goes, with its remaining model.
  await server.api(`/experiments/${user.id}/cancel`, { method: 'POST' });
  await server.waitFinished(user.id);
  await page.goto(`${server.url}/experiments/${first.id}`);
  await page.getByRole('button', { name: 'Delete the experiment' }).click();
  await page.getByTestId('confirm-delete').getByRole('button', { name: 'Delete', exact: true }).click();
  await page.waitForURL(`${server.url}/experiments`);
  const list = page.getByTestId('experiment-list');
  await list.getByRole('link', { name: 'built on it' }).waitFor();
  assert.equal(await list.getByRole('link', { name: 'mistake' }).count(), 0, 'the deleted experiment is gone from the list');
  assert.equal((await fetch(`${server.url}/api/experiments/${first.id}`)).status, 404);
  assert.equal((await fetch(`${server.url}/api/models/${tuned}`)).status, 404, 'its trained model went with it');
});

test('one experiment of a sweep points to the sweep, which is deleted whole from its page', async () => {
  const { page } = browser;
  const sweep = await server.api('/sweeps', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      dataset_id: 'mnist-5-9-50',
      base_model_id: 'cnn-mnist04',
      hyper: { epochs: 1 },
      axis: 'labels_per_class',
      values: [2, 5],
      strategies: ['finetune', 'scratch'],
      replicates: 1,
    }),
  });
  const cells = sweep.cell_views.map((c) => c.experiment_id);
  assert.equal(cells.length, 2);
  for (const id of cells) await server.waitFinished(id);

  // A cell alone is not deleted: its page sends to the sweep instead.
  await page.goto(`${server.url}/experiments/${cells[0]}`);
  const note = page.getByTestId('delete-note');
  await note.waitFor();
  assert.equal(await page.getByRole('button', { name: 'Delete the experiment' }).count(), 0);
  await note.getByRole('link', { name: 'delete the sweep' }).click();
  await page.waitForURL(`${server.url}/sweeps/${sweep.id}`);
  await page.getByRole('button', { name: 'Delete the sweep' }).click();
  assert.match(
    (await page.getByTestId('confirm-delete').textContent()) ?? '',
    /Delete the sweep “.+” with all 2 of its experiments, their runs, curves, checkpoints and trained models\?/,
  );
  await page.getByTestId('confirm-delete').getByRole('button', { name: 'Delete', exact: true }).click();
  await page.waitForURL(`${server.url}/experiments`);
  // The list holds the experiment of the first test, so it has loaded, without the sweep's.
  await page.getByTestId('experiment-list').getByRole('link', { name: 'built on it' }).waitFor();
  assert.equal(await page.locator(`a[href="/sweeps/${sweep.id}"]`).count(), 0, 'the sweep is gone from the list');
  assert.equal((await fetch(`${server.url}/api/sweeps/${sweep.id}`)).status, 404);
  for (const id of cells) {
    assert.equal(await page.locator(`a[href="/experiments/${id}"]`).count(), 0, 'its experiments are gone from the list');
    assert.equal((await fetch(`${server.url}/api/experiments/${id}`)).status, 404);
  }
});

test('no console or page errors but the refusals the test asked for', () => {
  const unexpected = browser.errors.filter((e) => !/status of 409/.test(e));
  assert.deepEqual(unexpected, []);
});
