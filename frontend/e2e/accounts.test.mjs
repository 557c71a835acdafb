// Accounts in the real binary run with --auth, driven in Chromium: the sign-in page,
// a wrong password, the signed-in name and sign-out, personal tokens made and revoked in
// Settings, and two people who see only their own datasets until one is shared.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, startServer } from './harness.mjs';

const ADA = { name: 'ada', password: 'correct horse battery' };
const BOB = { name: 'bob', password: 'another long password' };

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
let adaCookie = '';
let datasetId = '';

/** Sign in over the API and return the session cookie as a Cookie header. */
async function cookieOf(who) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(who),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

before(async () => {
  server = await startServer({
    args: ['--auth'],
    env: { TRANSFERLAB_ADMIN_NAME: ADA.name, TRANSFERLAB_ADMIN_PASSWORD: ADA.password },
  });
  adaCookie = await cookieOf(ADA);
  const add = await fetch(`${server.url}/api/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: adaCookie },
    body: JSON.stringify({ ...BOB, admin: false }),
  });
  assert.equal(add.status, 201, await add.clone().text());
  const form = new FormData();
  form.append('file', new Blob([await readFile(new URL('../../examples/shapes.zip', import.meta.url))]), 'shapes.zip');
  form.append('name', 'ada shapes');
  const up = await fetch(`${server.url}/api/datasets`, { method: 'POST', body: form, headers: { Cookie: adaCookie } });
  assert.equal(up.status, 201, await up.clone().text());
  datasetId = (await up.json()).id;
  browser = await launchBrowser({ width: 1280, height: 800 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const page = () => browser.page;
const heading = () => page().getByRole('heading', { level: 1 });

async function signInAs(who) {
  await page().getByLabel('Name').fill(who.name);
  await page().getByLabel('Password').fill(who.password);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByTestId('account').getByText(who.name).waitFor();
}

test('the app asks to sign in, refuses a wrong password, and shows who is signed in', async () => {
  await page().goto(`${server.url}/datasets`);
  await heading().getByText('Sign in').waitFor();
  await screenshot(page(), 'accounts-sign-in');
  await page().getByLabel('Name').fill(ADA.name);
  await page().getByLabel('Password').fill('not the password');
  await page().getByRole('button', { name: 'Sign in' }).click();
  const alert = page().getByRole('alert');
  await alert.waitFor();
  assert.equal(await alert.getAttribute('data-code'), 'wrong_password');
  await screenshot(page(), 'accounts-wrong-password');
  await signInAs(ADA);
  // The page asked for stays the page shown.
  await heading().getByText('Datasets').waitFor();
  await page().getByText('ada shapes').first().waitFor();
  await screenshot(page(), 'accounts-signed-in-datasets');
});

test('the owner shares a dataset with a switch', async () => {
  await page().goto(`${server.url}/datasets/${datasetId}`);
  const toggle = page().getByTestId('share-toggle').getByRole('checkbox');
  await toggle.waitFor();
  assert.equal(await toggle.isChecked(), false);
  await screenshot(page(), 'accounts-dataset-private');
});

test('a personal token is shown once, works, and stops working when revoked', async () => {
  await page().getByTestId('account').getByRole('link', { name: ADA.name }).click();
  await heading().getByText('Settings').waitFor();
  await page().getByLabel('What will use it').fill('notebook');
  await page().getByRole('button', { name: 'Make a token' }).click();
  const secret = (await page().getByTestId('new-token').locator('code').textContent())?.trim() ?? '';
  assert.match(secret, /^tlp_/);
  await page().getByTestId('tokens').getByText('notebook').waitFor();
  await screenshot(page(), 'accounts-settings-token');
  const withToken = () => fetch(`${server.url}/api/datasets`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal((await withToken()).status, 200);
  page().once('dialog', (d) => d.accept());
  await page().getByRole('button', { name: 'Revoke' }).click();
  await page().getByText('No tokens yet').waitFor();
  const res = await withToken();
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, 'invalid_token');
});

test('another person sees nothing of ada until she shares it, then sees it read-only', async () => {
  await page().getByRole('button', { name: 'Sign out' }).click();
  await heading().getByText('Sign in').waitFor();
  await signInAs(BOB);
  await page().goto(`${server.url}/datasets`);
  await heading().getByText('Datasets').waitFor();
  await page().getByText('MNIST digits 0-4').first().waitFor(); // built-ins are everyone's
  assert.equal(await page().getByText('ada shapes').count(), 0);
  await page().goto(`${server.url}/datasets/${datasetId}`);
  const alert = page().getByRole('alert');
  await alert.waitFor();
  assert.equal(await alert.getAttribute('data-code'), 'not_found');
  await screenshot(page(), 'accounts-bob-not-found');

  const share = await fetch(`${server.url}/api/datasets/${datasetId}/shared`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Cookie: adaCookie },
    body: JSON.stringify({ shared: true }),
  });
  assert.equal(share.status, 200);
  await page().reload();
  await page().getByTestId('shared-with-you').waitFor();
  assert.equal(await page().getByRole('button', { name: 'Delete' }).count(), 0);
  await screenshot(page(), 'accounts-bob-shared');
  await page().goto(`${server.url}/datasets`);
  await page().getByRole('heading', { name: 'Shared with you' }).waitFor();
  await page().getByText('ada shapes').waitFor();
});

test('no console errors but the refusals the tests asked for', () => {
  const unexpected = browser.errors.filter((e) => !/status of (401|404)/.test(e));
  assert.deepEqual(unexpected, []);
});
