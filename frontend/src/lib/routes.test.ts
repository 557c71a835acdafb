import { describe, expect, it } from 'vitest';
import { matchPage, routeFor } from './routes';

describe('matchPage', () => {
  it.each([
    ['/', { page: 'home' }],
    ['/datasets/ds_1', { page: 'dataset', id: 'ds_1' }],
    ['/experiments/new', { page: 'new-experiment' }],
    ['/experiments/exp_1/', { page: 'experiment', id: 'exp_1' }],
    ['/runs/run_1', { page: 'run', id: 'run_1' }],
    ['/compare', { page: 'compare' }],
    ['/settings', { page: 'settings' }],
    ['/settings/x', undefined],
    ['/runs', undefined],
    ['/models/x', undefined],
    ['/experiments/a/b', undefined],
  ])('%s', (path, want) => {
    expect(matchPage(path)).toEqual(want);
  });

  it('marks Experiments in the navigation on a run page', () => {
    expect(routeFor('/runs/run_1')?.label).toBe('Experiments');
  });
});
