// History-API routing: the current path as reactive state, navigate(), and a click
// handler that keeps same-app links inside the page instead of reloading it.
import { normalizePath } from './routes';

let current = $state(normalizePath(window.location.pathname));
let search = $state(window.location.search);

/** Reactive view of the current location. */
export const router = {
  get path(): string {
    return current;
  },
  /** The query string's parameters, e.g. router.query.get('runs'). */
  get query(): URLSearchParams {
    return new URLSearchParams(search);
  },
};

/** Go to `to` (a path inside the app), adding a history entry. */
export function navigate(to: string, replace = false): void {
  const url = new URL(to, window.location.href);
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  current = normalizePath(url.pathname);
  search = url.search;
}

/** Sync the state after the back and forward buttons. */
export function onPopState(): void {
  current = normalizePath(window.location.pathname);
  search = window.location.search;
}

/** Document click handler: take over plain left clicks on links to pages of this app. */
export function interceptLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const target = event.target instanceof Element ? event.target : null;
  const anchor = target?.closest('a[href]');
  if (!(anchor instanceof HTMLAnchorElement)) return;
  if (anchor.target && anchor.target !== '_self') return;
  if (anchor.hasAttribute('download') || anchor.origin !== window.location.origin) return;
  const path = anchor.pathname;
  if (path === '/api' || path.startsWith('/api/')) return;
  if (/\.[a-z0-9]+$/i.test(path)) return; // a file, not a page
  event.preventDefault();
  if (path + anchor.search !== window.location.pathname + window.location.search) {
    navigate(path + anchor.search + anchor.hash);
  }
}
