// End-to-end harness: the real transferlab binary on a fresh data dir, and Debian's
// Chromium through playwright-core, with console and page errors collected so a test can
// assert there were none. Nothing here downloads a browser.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where screenshots go (ignored by git). */
export const screenshotDir = join(repoRoot, 'frontend/e2e/screenshots');

/** The binary under test: $TRANSFERLAB_BIN, or bin/transferlab from `make build`. */
export const binaryPath = process.env.TRANSFERLAB_BIN || join(repoRoot, 'bin/transferlab');

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start `transferlab serve` on a free port and a fresh data dir, with extra `args` and
 * environment `env`, and wait until GET /api/health answers 200.
 * @returns {Promise<{url: string, dataDir: string, output: () => string, stop: () => Promise<void>,
 *   api: (path: string, init?: RequestInit) => Promise<any>, waitFinished: (id: string, timeoutMs?: number) => Promise<any>}>}
 */
export async function startServer({ timeoutMs = 30_000, args: extra = [], env = {} } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'transferlab-e2e-data-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', dataDir, ...extra];
  const proc = spawn(binaryPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });

  let log = '';
  const keep = (chunk) => {
    log = (log + chunk).slice(-20_000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let exited = null;
  const exit = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    proc.on('error', (err) => {
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });

  // Never leave the server behind, even when the test process ends abruptly.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      proc.kill('SIGTERM');
      const done = await Promise.race([exit, sleep(10_000).then(() => null)]);
      if (!done) {
        proc.kill('SIGKILL');
        await exit;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      const why = exited.error ? exited.error.message : `exit code ${exited.code}, signal ${exited.signal}`;
      throw new Error(`${binaryPath} ${args.join(' ')} stopped before answering (${why}):\n${log}`);
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${binaryPath} did not answer /api/health within ${timeoutMs} ms:\n${log}`);
    }
    await sleep(100);
  }
  /** Fetch `/api${path}` (with `init`), asserting a 2xx answer; returns its JSON. */
  const api = async (path, init) => {
    const res = await fetch(`${url}/api${path}`, init);
    assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
    return res.json();
  };
  /** Poll experiment `id` until every run has ended; returns the experiment. */
  const waitFinished = async (id, timeoutMs = 180_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await api(`/experiments/${id}`);
      if (e.runs.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status))) return e;
      assert.ok(Date.now() < deadline, `experiment ${id} did not finish: ${e.runs.map((r) => r.status)}`);
      await sleep(250);
    }
  };
  return { url, dataDir, output: () => log, stop, api, waitFinished };
}

/**
 * Launch Debian's Chromium ($CHROMIUM or /usr/bin/chromium) on a fresh profile.
 * `errors` collects console errors and uncaught page errors from every page; `args` are
 * extra Chromium flags.
 */
export async function launchBrowser({ width = 1280, height = 800, args = [] } = {}) {
  const profileDir = await mkdtemp(join(tmpdir(), 'transferlab-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...chromiumArgs, ...args],
    viewport: { width, height },
    timeout: 60_000,
  });
  /** @type {string[]} */
  const errors = [];
  const watch = (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${page.url()})`);
    });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message} (${page.url()})`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());

  const close = async () => {
    await context.close();
    await rm(profileDir, { recursive: true, force: true });
  };
  return { context, page, errors, close };
}

/** Save a full-page PNG as frontend/e2e/screenshots/<name>.png and return its path. */
export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
