// The one way the app talks to the server: JSON over fetch, with every failure turned
// into an ApiError that carries the server's error code and a message a person can act on.

/** An API failure: the server's `{"error":{"code","message"}}`, or one made up here. */
export class ApiError extends Error {
  readonly code: string;
  /** HTTP status; 0 when no response came back at all. */
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/** The answer of GET /api/health. */
export interface Health {
  status: string;
  version: string;
  database: string;
  queue: string;
}

/** Base path of the API; the built app is always served by the same server. */
export const API_BASE = '/api';

let onUnauthorized: (() => void) | undefined;

/** Call `fn` whenever the server says the request needs signing in (a session ended). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** Request `path` under /api and return its decoded JSON body (undefined for 204). */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  if (typeof init.body === 'string' && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }

  let res: Response;
  try {
    res = await fetch(API_BASE + path, { ...init, headers });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(
      'network_error',
      'Could not reach the Transfer Lab server. Check that it is running, then try again.',
      0,
    );
  }

  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && err.code === 'sign_in_required') onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError('bad_response', `The server sent an unreadable answer to ${path}.`, res.status);
  }
}

/** Send `body` as JSON with `method` (POST by default). */
export function apiSend<T>(path: string, body: unknown, method = 'POST'): Promise<T> {
  return apiFetch<T>(path, { method, body: JSON.stringify(body) });
}

/** Build the ApiError for a non-2xx response, preferring the server's own words. */
export async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  const parsed = parseErrorBody(text);
  if (parsed) return new ApiError(parsed.code, parsed.message, res.status);
  const reason = res.statusText || 'error';
  return new ApiError(`http_${res.status}`, `The server answered ${res.status} ${reason}.`, res.status);
}

/** Read `{"error":{"code","message"}}`; null for anything else. */
export function parseErrorBody(text: string): { code: string; message: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error: unknown = body.error;
  if (typeof error !== 'object' || error === null) return null;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  if (!code && !message) return null;
  return { code: code || 'error', message: message || code };
}

/** Turn anything thrown into a sentence for an error banner. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong. Try again.';
}

/** GET /api/health. */
export function getHealth(signal?: AbortSignal): Promise<Health> {
  return apiFetch<Health>('/health', { signal });
}
