import { mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SpeedupBadge from './SpeedupBadge.svelte';

let component: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
});

const base = { runId: 'f', baselineId: 's', target: 0.7, baselineSteps: 30, secondsRatio: 2 };

describe('SpeedupBadge', () => {
  it('shows the ratio, the steps and the accuracy gap', () => {
    const speedup = { ...base, reached: true, steps: 10, stepsRatio: 3, accGap: 0.121 };
    component = mount(SpeedupBadge, { target: document.body, props: { speedup, label: 'Fine-tune', color: '#00f' } });
    expect(document.querySelector('[data-testid="speedup-ratio"]')?.textContent).toBe('3.0× faster');
    expect(document.body.textContent).toContain('at step 10, scratch at step 30');
    expect(document.body.textContent).toContain('+12.1 points validation accuracy');
  });

  it('says when the target is not reached yet, and flags negative transfer', () => {
    const speedup = { ...base, reached: false, steps: null, stepsRatio: null, secondsRatio: null, accGap: -0.05 };
    component = mount(SpeedupBadge, { target: document.body, props: { speedup, label: 'Freeze bottom 2', color: '#00f' } });
    expect(document.body.textContent).toContain('not yet');
    expect(document.body.textContent).toContain('negative transfer');
  });

  it('waits for the baseline', () => {
    component = mount(SpeedupBadge, { target: document.body, props: { speedup: null, label: 'Fine-tune', color: '#00f' } });
    expect(document.body.textContent).toContain('once the scratch run has been evaluated');
  });
});
