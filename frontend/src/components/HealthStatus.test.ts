import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import HealthStatus from './HealthStatus.svelte';

let component: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('HealthStatus', () => {
  it('shows the server version once /api/health answers', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json({ status: 'ok', version: 'v0.3.1', database: 'ok', queue: 'ok' })));
    component = mount(HealthStatus, { target: document.body });
    flushSync();
    expect(document.body.textContent).toContain('Checking the server');

    await vi.waitFor(() => {
      expect(document.querySelector('[data-testid="health-version"]')?.textContent).toBe('v0.3.1');
    });
    expect(document.body.textContent).toContain('Server ok');
  });

  it('shows the error message and retries', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(json({ error: { code: 'unavailable', message: 'The database is locked.' } }, 503))
      .mockResolvedValueOnce(json({ status: 'ok', version: 'v1', database: 'ok', queue: 'ok' }));
    vi.stubGlobal('fetch', fetchMock);
    component = mount(HealthStatus, { target: document.body });

    await vi.waitFor(() => {
      expect(document.querySelector('[role="alert"]')?.textContent).toContain('The database is locked.');
    });

    document.querySelector('button')?.click();
    flushSync();
    await vi.waitFor(() => {
      expect(document.querySelector('[data-testid="health-version"]')?.textContent).toBe('v1');
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('says the disk is full and what to do', async () => {
    const full = { status: 'degraded', version: 'v1', database: 'ok', queue: 'ok', disk: 'full', disk_free_bytes: 3 << 20 };
    vi.stubGlobal('fetch', vi.fn(async () => json(full)));
    component = mount(HealthStatus, { target: document.body });
    await vi.waitFor(() => {
      expect(document.querySelector('[data-testid="health-disk"]')?.textContent).toContain('disk full (3 MiB free)');
    });
    expect(document.querySelector('[role="alert"]')?.textContent).toContain('training resumes on its own');
    expect(document.body.textContent).toContain('Server degraded');
  });
});
