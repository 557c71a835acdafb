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
  if (p.startsWith('/runs/') || p.startsWith('/sweeps/')) return routes.find((r) => r.path === '/experiments');
  if (p === '/settings') return { path: '/settings', label: 'Settings' };
  return routes.find((r) => r.path !== '/' && (p === r.path || p.startsWith(r.path + '/')));
}

/** Which page shows a path, with the id in it if any. */
export type PageMatch =
  | { page: 'home' | 'datasets' | 'models' | 'experiments' | 'compare' | 'new-experiment' | 'settings' }
  | { page: 'dataset' | 'experiment' | 'run' | 'sweep'; id: string };

/** '/experiments/exp_1' -> {page: 'experiment', id: 'exp_1'}; undefined for no page. */
export function matchPage(path: string): PageMatch | undefined {
  const parts = normalizePath(path).split('/').filter(Boolean).map(decodeURIComponent);
  const [top = '', id, ...rest] = parts;
  if (rest.length > 0) return undefined;
  switch (top) {
    case '':
      return { page: 'home' };
    case 'datasets':
      return id ? { page: 'dataset', id } : { page: 'datasets' };
    case 'models':
      return id ? undefined : { page: 'models' };
    case 'experiments':
      if (id === 'new') return { page: 'new-experiment' };
      return id ? { page: 'experiment', id } : { page: 'experiments' };
    case 'compare':
      return id ? undefined : { page: 'compare' };
    case 'runs':
      return id ? { page: 'run', id } : undefined;
    case 'sweeps':
      return id ? { page: 'sweep', id } : undefined;
    case 'settings':
      return id ? undefined : { page: 'settings' };
  }
  return undefined;
}
