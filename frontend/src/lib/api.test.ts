import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiFetch, apiSend, getHealth, parseErrorBody, type Health } from './api';

function jsonResponse(body: unknown, status = 200, statusText = ''): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  });
}

function stubFetch(impl: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) {
  const fetchMock = vi.fn(impl);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiFetch', () => {
  it('returns the decoded body and asks for JSON under /api', async () => {
    const health = { status: 'ok', version: '1.2.3', database: 'ok', queue: 'ok', store: 'ok', unavailable: [], disk: 'ok', disk_free_bytes: 1 << 30 } satisfies Health;
    const fetchMock = stubFetch(async () => jsonResponse(health));

    await expect(getHealth()).resolves.toEqual(health);

    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/health');
    expect(new Headers(init?.headers).get('Accept')).toBe('application/json');
  });

  it('turns the server error shape into an ApiError with its code and message', async () => {
    stubFetch(async () =>
      jsonResponse({ error: { code: 'dataset_not_found', message: 'No dataset 7; list them at /datasets.' } }, 404),
    );

    const err = await caught(apiFetch('/datasets/7'));

    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      code: 'dataset_not_found',
      message: 'No dataset 7; list them at /datasets.',
      status: 404,
    });
  });

  it('falls back to the HTTP status when the error body is not the error shape', async () => {
    stubFetch(async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));

    const err = await caught(apiFetch('/models'));

    expect(err).toMatchObject({ code: 'http_502', status: 502 });
    expect((err as ApiError).message).toContain('502 Bad Gateway');
  });

  it('reports a network failure as network_error with status 0', async () => {
    stubFetch(async () => {
      throw new TypeError('Failed to fetch');
    });

    const err = await caught(apiFetch('/health'));

    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'network_error', status: 0 });
    expect((err as ApiError).message).toMatch(/could not reach/i);
  });

  it('passes an abort through unchanged', async () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    stubFetch(async () => {
      throw abort;
    });

    await expect(apiFetch('/health')).rejects.toBe(abort);
  });

  it('reports an unreadable success body as bad_response', async () => {
    stubFetch(async () => new Response('not json', { status: 200 }));

    await expect(apiFetch('/health')).rejects.toMatchObject({ code: 'bad_response', status: 200 });
  });

  it('returns undefined for 204 No Content', async () => {
    stubFetch(async () => new Response(null, { status: 204 }));

    await expect(apiFetch('/runs/1/cancel', { method: 'POST' })).resolves.toBeUndefined();
  });

  it('sends JSON bodies with a JSON content type', async () => {
    const fetchMock = stubFetch(async () => jsonResponse({ id: 1 }, 201));

    await expect(apiSend('/experiments', { name: 'digits' })).resolves.toEqual({ id: 1 });

    const [, init] = fetchMock.mock.calls[0]!;
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"name":"digits"}');
    expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json');
  });
});

describe('parseErrorBody', () => {
  it.each([
    ['not json', null],
    ['{"message":"flat"}', null],
    ['{"error":"a string"}', null],
    ['{"error":{}}', null],
    ['{"error":{"code":"bad_request"}}', { code: 'bad_request', message: 'bad_request' }],
    ['{"error":{"message":"Name is required."}}', { code: 'error', message: 'Name is required.' }],
  ])('%s', (text, want) => {
    expect(parseErrorBody(text)).toEqual(want);
  });
});
