import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArmVerdict } from '../../lib/types';
import VerdictTable from './VerdictTable.svelte';

const row = (over: Partial<ArmVerdict>): ArmVerdict =>
  ({
    arm: 0,
    strategy: 'finetune',
    rank: 1,
    target: 0.8,
    speedup_steps: { median: 3.1, lo: 2.5, hi: 3.6 },
    speedup_seconds: { median: 2.9, lo: 2.2, hi: 3.5 },
    speedup_examples: { median: 3.1, lo: 2.5, hi: 3.6 },
    acc_gap_val: { mean: 0.05, lo: 0.02, hi: 0.08, n: 3 },
    acc_gap_test: { mean: 0.04, lo: 0.01, hi: 0.07, n: 3 },
    reached: 3,
    replicates: 3,
    best: 0.9,
    final: true,
    speed: '3.1x faster to 80.0% (interval 2.5x-3.6x)',
    accuracy: 'final smoothed val acc +5.0 points (interval +2.0 points to +8.0 points)',
    negative_transfer: false,
    ...over,
  }) as ArmVerdict;

let component: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

const show = (props: { verdict: ArmVerdict[]; noVerdict?: string; final: boolean }) => {
  component = mount(VerdictTable, { target: document.body, props: { ...props, colorOf: () => '#00f' } });
  flushSync();
  return document.body.textContent ?? '';
};

describe('VerdictTable', () => {
  it('ranks the rows and shows the intervals', () => {
    const text = show({ verdict: [row({ arm: 2, strategy: 'linear-probe', rank: 2, speed: '1.2x faster' }), row({})], final: true });
    const rows = [...document.querySelectorAll('[data-testid="verdict-row"]')].map((r) => r.getAttribute('data-strategy'));
    expect(rows).toEqual(['finetune', 'linear-probe']);
    expect(text).toContain('3.1× (2.5–3.6)');
    expect(text).toContain('+5.0 (+2.0 to +8.0)');
    expect(text).not.toContain('so far');
  });
  it('says so far while running, and nothing of a row without points', () => {
    const text = show({ verdict: [row({ replicates: 0, speed: 'no validation points yet' })], final: false });
    expect(text).toContain('so far');
    expect(text).toContain('appears once scratch and another arm have been evaluated');
    expect(document.querySelectorAll('[data-testid="verdict-row"]')).toHaveLength(0);
  });
  it('says why there is no verdict, without a so-far badge', () => {
    const text = show({ verdict: [], noVerdict: 'There is no verdict: the scratch baseline (replicate 1) was cancelled.', final: false });
    expect(text).toContain('was cancelled');
    expect(text).not.toContain('so far');
  });
});
