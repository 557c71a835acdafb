import { mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../lib/types';
import ArmCard from './ArmCard.svelte';

let component: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
});

function run(over: Partial<Run>): Run {
  return {
    id: 'run_1',
    experiment_id: 'exp_1',
    arm: 0,
    replicate: 0,
    seed: 1,
    strategy: 'scratch',
    status: 'queued',
    steps: 12,
    total_steps: 100,
    epochs_done: 0,
    best_val_acc: null,
    final_val_acc: null,
    test_acc: null,
    hyper: null,
    started_at: null,
    finished_at: null,
    ...over,
  } as Run;
}

describe('ArmCard', () => {
  it('says why a run is paused while it waits', () => {
    component = mount(ArmCard, { target: document.body, props: { run: run({ paused: 'the disk is full: free some space' }), color: '#000', eta: null } });
    expect(document.querySelector('[data-testid="paused"]')?.textContent).toBe('Paused: the disk is full: free some space');
  });

  it('says nothing of a pause once the run has ended', () => {
    component = mount(ArmCard, { target: document.body, props: { run: run({ status: 'failed', paused: 'the disk is full' }), color: '#000', eta: null } });
    expect(document.querySelector('[data-testid="paused"]')).toBeNull();
  });
});
