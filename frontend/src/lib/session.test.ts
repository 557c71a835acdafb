import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiFetch } from './api';
import { session } from './session.svelte';

function answer(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('session', () => {
  it('never asks to sign in on a server without accounts, where everything is yours', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer({ auth: false, user: null })));
    await session.load();
    expect(session.needsSignIn).toBe(false);
    expect(session.owns({ owner_id: '' })).toBe(true);
  });

  it('asks to sign in when the server has accounts, and owns only your rows', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer({ auth: true, user: null })));
    await session.load();
    expect(session.needsSignIn).toBe(true);
    vi.stubGlobal('fetch', vi.fn(async () => answer({ auth: true, user: { id: 'usr_1', name: 'ada', admin: false, created_at: '' } })));
    await session.signIn('ada', 'pw');
    expect(session.needsSignIn).toBe(false);
    expect(session.owns({ owner_id: 'usr_1' })).toBe(true);
    expect(session.owns({ owner_id: 'usr_2' })).toBe(false);
    expect(session.owns({ owner_id: '' })).toBe(false);
  });

  it('goes back to the sign-in page when the server forgets the session', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer({ error: { code: 'sign_in_required', message: 'Sign in first.' } }, 401)));
    await expect(apiFetch('/datasets')).rejects.toThrow('Sign in first.');
    expect(session.needsSignIn).toBe(true);
  });
});
