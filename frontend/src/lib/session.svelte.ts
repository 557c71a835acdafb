// Who is signed in, for the whole app. A server without accounts (the default on one
// machine) says so, and the app never asks anyone to sign in.
import { ApiError, setUnauthorizedHandler } from './api';
import type { UserView } from './api-types';
import { getMe, login, logout } from './resources';

class Session {
  /** False until the server said whether it has accounts. */
  loaded = $state(false);
  /** The server has accounts: people sign in. */
  auth = $state(false);
  user = $state<UserView | null>(null);
  /** Why the last check failed, when the server could not be asked. */
  error = $state<ApiError | null>(null);

  /** Signing in is needed before any page can show. */
  get needsSignIn(): boolean {
    return this.loaded && this.auth && !this.user;
  }

  /** Whether the signed-in person may change a row (always, without accounts). */
  owns(row: { owner_id?: string } | null | undefined): boolean {
    if (!row) return false;
    return !this.auth || (!!this.user && row.owner_id === this.user.id);
  }

  async load(): Promise<void> {
    try {
      const me = await getMe();
      this.auth = me.auth;
      this.user = me.user;
      this.error = null;
    } catch (err) {
      this.error = err instanceof ApiError ? err : new ApiError('network_error', String(err), 0);
    } finally {
      this.loaded = true;
    }
  }

  async signIn(name: string, password: string): Promise<void> {
    const me = await login(name, password);
    this.auth = me.auth;
    this.user = me.user;
  }

  async signOut(): Promise<void> {
    await logout();
    this.user = null;
  }

  /** The server stopped knowing us (the session ended or was revoked elsewhere). */
  signedOut(): void {
    if (this.auth) this.user = null;
  }
}

export const session = new Session();
setUnauthorizedHandler(() => session.signedOut());
