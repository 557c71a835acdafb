// The app's pages, in navigation order. Paths are real URLs: the server answers any
// extensionless path outside /api with index.html, so deep links work.

export interface RouteInfo {
  path: string;
  label: string;
}

export const routes: readonly RouteInfo[] = [
  { path: '/', label: 'Home' },
  { path: '/datasets', label: 'Datasets' },
  { path: '/models', label: 'Models' },
  { path: '/experiments', label: 'Experiments' },
  { path: '/compare', label: 'Compare' },
];

/** Drop trailing slashes: '/datasets/' -> '/datasets'; '' -> '/'. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** The route that owns `path` (exact, or a sub-path such as /datasets/3), if any. */
export function routeFor(path: string): RouteInfo | undefined {
  const p = normalizePath(path);
  if (p === '/') return routes[0];
  return routes.find((r) => r.path !== '/' && (p === r.path || p.startsWith(r.path + '/')));
}
