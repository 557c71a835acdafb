// The app shell against the real binary: API health and errors, SPA fallback, navigation
// by mouse and keyboard, and no console errors, with screenshots at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, startServer } from './harness.mjs';

const pages = [
  { label: 'Home', path: '/', heading: 'Fine-tuning vs. training from scratch' },
  { label: 'Datasets', path: '/datasets', heading: 'Datasets' },
  { label: 'Models', path: '/models', heading: 'Models' },
  { label: 'Experiments', path: '/experiments', heading: 'Experiments' },
  { label: 'Compare', path: '/compare', heading: 'Compare' },
];

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
let version = '';

before(async () => {
  server = await startServer();
  browser = await launchBrowser({ width: 1280, height: 800 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const heading = () => browser.page.getByRole('heading', { level: 1 });
const nav = () => browser.page.getByRole('navigation', { name: 'Main' });

test('GET /api/health answers ok with a version', async () => {
  const res = await fetch(`${server.url}/api/health`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.equal(body.database, 'ok');
  assert.equal(body.queue, 'ok');
  assert.equal(typeof body.version, 'string');
  assert.ok(body.version.length > 0, 'version is empty');
  version = body.version;
});

test('an unknown API path is a JSON 404 with the error shape, not the app', async () => {
  const res = await fetch(`${server.url}/api/nope`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await res.json();
  assert.equal(typeof body.error?.code, 'string');
  assert.equal(typeof body.error?.message, 'string');
  assert.ok(body.error.message.length > 0);
});

test('the home page shows the product name and the server version', async () => {
  const { page } = browser;
  const res = await page.goto(`${server.url}/`);
  assert.equal(res?.status(), 200);
  assert.equal(await page.title(), 'Transfer Lab');
  await page.getByRole('link', { name: 'Transfer Lab' }).waitFor();
  const shown = page.getByTestId('health-version');
  await shown.waitFor({ timeout: 10_000 });
  assert.equal(await shown.textContent(), version);
  assert.equal(await heading().textContent(), pages[0].heading);
  await screenshot(page, 'home-1280x800');
});

test('the navigation reaches every page without reloading', async () => {
  const { page } = browser;
  // A marker on window survives in-app navigation but not a reload.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  for (const want of [...pages.slice(1), pages[0]]) {
    await nav().getByRole('link', { name: want.label, exact: true }).click();
    await page.waitForURL(`${server.url}${want.path}`);
    await page.getByRole('heading', { level: 1, name: want.heading }).waitFor();
    const current = nav().locator('a[aria-current="page"]');
    assert.equal(await current.textContent(), want.label);
  }
  assert.equal(await page.evaluate(() => Reflect.get(window, '__sameDocument')), true);
});

test('back and forward follow the history', async () => {
  const { page } = browser;
  await nav().getByRole('link', { name: 'Models', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: pages[0].heading }).waitFor();
  await page.goForward();
  await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/models');
});

test('deep links load through the server fallback', async () => {
  const { page } = browser;
  for (const want of pages.slice(1)) {
    const res = await page.goto(`${server.url}${want.path}`);
    assert.equal(res?.status(), 200, `${want.path} status`);
    await page.getByRole('heading', { level: 1, name: want.heading }).waitFor();
    assert.equal(await page.title(), `${want.label} · Transfer Lab`);
  }
  await page.goto(`${server.url}/no/such/page`);
  await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
});

test('the keyboard reaches the skip link and the navigation, with focus moved to the page', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/`);
  await heading().waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  const focused = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => document.activeElement?.textContent?.trim()));
  }
  assert.deepEqual(focused, ['Transfer Lab', 'Home', 'Datasets', 'Models']);
  const ring = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
  assert.notEqual(ring, 'none', 'focused link shows no outline');
  await screenshot(page, 'keyboard-focus-1280x800');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'page-title');
});

test('the layout fits a phone screen', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${server.url}/`);
  await page.getByTestId('health-version').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  for (const want of pages) {
    const box = await nav().getByRole('link', { name: want.label, exact: true }).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${want.label} link is off screen`);
  }
  await screenshot(page, 'home-390x844');
  await page.goto(`${server.url}/experiments`);
  await heading().waitFor();
  await screenshot(page, 'experiments-390x844');
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('a failing API call shows its message in an error banner, and Try again recovers', async () => {
  const { page, errors } = browser;
  const before = errors.length;
  let fail = true;
  await page.route('**/api/health', (route) =>
    fail
      ? route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'unavailable', message: 'The job queue is not running. Restart the server.' } }),
        })
      : route.continue(),
  );
  await page.goto(`${server.url}/`);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /The job queue is not running/);
  await screenshot(page, 'health-error-1280x800');
  fail = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await page.getByTestId('health-version').waitFor();
  await page.unroute('**/api/health');
  // The browser logs the 503 it was made to see; that one is expected.
  const extra = errors.splice(before);
  assert.ok(extra.every((e) => e.includes('503')), `unexpected errors: ${extra.join('\n')}`);
});

test('the page of a missing experiment says so and opens no live connection', async () => {
  const { page, errors } = browser;
  const before = errors.length;
  /** @type {string[]} */
  const sockets = [];
  const onSocket = (ws) => sockets.push(ws.url());
  page.on('websocket', onSocket);
  await page.goto(`${server.url}/experiments/exp_missing`);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /No such experiment/);
  // Give a socket the page might still open the time to show up.
  await page.waitForTimeout(500);
  page.off('websocket', onSocket);
  assert.deepEqual(sockets, [], 'the page of a missing experiment opened a live connection');
  // The browser logs the 404 it was made to see; that one is expected.
  const extra = errors.splice(before);
  assert.ok(extra.every((e) => e.includes('404')), `unexpected errors: ${extra.join('\n')}`);
});

test('no console or page errors', () => {
  assert.deepEqual(browser.errors, []);
});
