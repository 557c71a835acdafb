import { describe, expect, it, vi } from 'vitest';
import type { Experiment, Run } from '../types';
import { backoffMs, LiveExperiment, liveUrl, type EventMessage, type LiveSocket, type SnapshotMessage } from './liveExperiment.svelte';

const run = (id: string, strategy: string): Run => ({
  id,
  experiment_id: 'exp_1',
  arm: 0,
  replicate: 0,
  seed: 1,
  strategy,
  status: 'running',
  steps: 0,
  total_steps: 100,
  epochs_done: 0,
  best_val_acc: null,
  final_val_acc: null,
  test_acc: null,
  hyper: {} as Run['hyper'],
  started_at: null,
  finished_at: null,
  name: '',
  tags: [],
});

const experiment = (): Experiment => ({
  id: 'exp_1',
  name: 'demo',
  dataset_id: 'd',
  base_model_id: 'm',
  dataset_name: 'digits',
  arch: 'cnn',
  status: 'running',
  hyper: {} as Experiment['hyper'],
  created_at: '',
  runs: [run('run_f', 'finetune'), run('run_s', 'scratch')],
  verdict: [],
  replicate_varies: 'the seed',
  summary_final: false,
  owner_id: '',
  shared: false,
});

const snapshot = (seq: number, hub = 'hub_a', over: Partial<SnapshotMessage> = {}): SnapshotMessage => ({
  type: 'snapshot',
  hub,
  seq,
  experiment: experiment(),
  metrics: { run_f: { train_loss: [{ step: 1, epoch: 0, value: 2, wall_time: 0.1 }] } },
  recent: [],
  ...over,
});

const metric = (seq: number, step: number, value: number, runId = 'run_f'): EventMessage => ({
  seq,
  run_id: runId,
  kind: 'metric',
  data: { step, epoch: step / 10, wall_time: step / 10, values: { train_loss: value } },
});

class FakeSocket implements LiveSocket {
  onopen: LiveSocket['onopen'] = null;
  onmessage: LiveSocket['onmessage'] = null;
  onclose: LiveSocket['onclose'] = null;
  onerror: LiveSocket['onerror'] = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
  send(msg: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(msg) }));
  }
  drop(code = 1006, reason = '') {
    this.onclose?.(new CloseEvent('close', { code, reason }));
  }
}

function setup(onstatus?: (id: string, s: string) => void) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const live = new LiveExperiment('exp_1', {
    socket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    location: { protocol: 'http:', host: 'lab:8080' },
    schedule: (fn, ms) => timers.push({ fn, ms }),
    cancelSchedule: () => {},
    onstatus,
  });
  live.start();
  return { live, sockets, timers, last: () => sockets.at(-1)! };
}

const losses = (live: LiveExperiment, runId = 'run_f') => live.metrics[runId]?.train_loss?.map((p) => [p.step, p.value]);

describe('liveUrl', () => {
  it('uses ws for http and wss for https, with a resume query', () => {
    expect(liveUrl({ protocol: 'http:', host: 'h:1' }, 'exp_1')).toBe('ws://h:1/api/experiments/exp_1/live');
    expect(liveUrl({ protocol: 'https:', host: 'h' }, 'exp_1', { seq: 7, hub: 'hub_x' })).toBe(
      'wss://h/api/experiments/exp_1/live?since=7&hub=hub_x',
    );
  });
});

describe('LiveExperiment', () => {
  it('takes the snapshot, then applies events in order', () => {
    const { live, last } = setup();
    expect(last().url).toBe('ws://lab:8080/api/experiments/exp_1/live');
    last().send(snapshot(3));
    last().send(metric(4, 2, 1.5));
    last().send(metric(5, 3, 1.2));
    expect(live.seq).toBe(5);
    expect(live.hub).toBe('hub_a');
    expect(losses(live)).toEqual([
      [1, 2],
      [2, 1.5],
      [3, 1.2],
    ]);
    expect(live.experiment?.runs[0]?.steps).toBe(3);
  });

  it('applies the events of a batch message in order, and finds a gap inside one', () => {
    const { live, last } = setup();
    last().send(snapshot(3));
    last().send({ type: 'batch', events: [metric(4, 2, 1.5), metric(5, 3, 1.2)] });
    expect(live.seq).toBe(5);
    expect(losses(live)).toEqual([
      [1, 2],
      [2, 1.5],
      [3, 1.2],
    ]);
    const first = last();
    last().send({ type: 'batch', events: [metric(6, 4, 1.1), metric(8, 6, 1.0)] });
    expect(live.seq).toBe(6);
    expect(first.closed).toBe(true); // the gap after 6 drops the socket to resume
  });

  it('applies a repeated event or step once', () => {
    const { live, last } = setup();
    last().send(snapshot(3, 'hub_a', { recent: [metric(3, 1, 2)] }));
    last().send(metric(4, 2, 1.5));
    last().send(metric(4, 2, 1.5)); // same seq again
    last().send(metric(5, 2, 1.5)); // same step in a new event
    expect(losses(live)).toEqual([
      [1, 2],
      [2, 1.5],
    ]);
  });

  it('replaces all state with a later snapshot', () => {
    const { live, last } = setup();
    last().send(snapshot(3));
    last().send(metric(4, 2, 1.5));
    last().send(
      snapshot(40, 'hub_a', {
        metrics: { run_s: { train_loss: [{ step: 9, epoch: 1, value: 0.3, wall_time: 2 }] } },
      }),
    );
    expect(live.seq).toBe(40);
    expect(live.metrics.run_f).toBeUndefined();
    expect(losses(live, 'run_s')).toEqual([[9, 0.3]]);
  });

  it('reconnects with since and hub after a drop, backing off, and continues without gaps', () => {
    const { live, sockets, timers, last } = setup();
    last().send(snapshot(3));
    last().send(metric(4, 2, 1.5));
    last().drop();
    expect(live.connection).toBe('reconnecting');
    expect(timers.map((t) => t.ms)).toEqual([500]);
    timers[0]!.fn();
    expect(last().url).toBe('ws://lab:8080/api/experiments/exp_1/live?since=4&hub=hub_a');
    last().drop();
    timers[1]!.fn();
    expect(timers.map((t) => t.ms)).toEqual([500, 1000]);
    last().send(metric(5, 3, 1.2));
    last().send(metric(6, 4, 1.0));
    expect(losses(live)).toEqual([
      [1, 2],
      [2, 1.5],
      [3, 1.2],
      [4, 1.0],
    ]);
    expect(sockets).toHaveLength(3);
  });

  it('treats a gap in seq as a lost connection and resumes from the last seq', () => {
    const { live, timers, last } = setup();
    last().send(snapshot(3));
    const first = last();
    last().send(metric(6, 5, 1)); // 4 and 5 are missing
    expect(first.closed).toBe(true);
    expect(losses(live)).toEqual([[1, 2]]);
    timers[0]!.fn();
    expect(last().url).toContain('since=3&hub=hub_a');
  });

  it('updates a run from a status event and reports the change', () => {
    const onstatus = vi.fn();
    const { live, last } = setup(onstatus);
    last().send(snapshot(1));
    last().send({ seq: 2, run_id: 'run_s', kind: 'status', data: { status: 'succeeded', steps: 100, best_val_acc: 0.8 } });
    const s = live.experiment!.runs[1]!;
    expect([s.status, s.steps, s.best_val_acc]).toEqual(['succeeded', 100, 0.8]);
    expect(live.experiment!.status).toBe('running');
    expect(onstatus).toHaveBeenCalledWith('run_s', 'succeeded');
  });

  it('shows why a run is paused from a status event, and clears it when training goes on', () => {
    const { live, last } = setup();
    last().send(snapshot(1));
    last().send({ seq: 2, run_id: 'run_s', kind: 'status', data: { status: 'queued', paused: 'the disk is full' } });
    expect(live.experiment!.runs[1]!.paused).toBe('the disk is full');
    last().send({ seq: 3, run_id: 'run_s', kind: 'status', data: { status: 'running', paused: '' } });
    expect(live.experiment!.runs[1]!.paused).toBe('');
  });

  it("takes the server's verdict from a verdict event, so far until final", () => {
    const { live, last } = setup();
    last().send(snapshot(1));
    const row = { arm: 0, strategy: 'finetune', rank: 1, speed: 'so far: 2.0x faster to 80.0% (interval 1.5-2.6)' };
    last().send({ seq: 2, run_id: '', kind: 'verdict', data: { verdict: [row] as never, final: false } });
    expect(live.experiment!.verdict[0]!.speed).toMatch(/^so far: 2.0x faster/);
    expect(live.experiment!.summary_final).toBe(false);
    last().send({ seq: 3, run_id: '', kind: 'verdict', data: { verdict: [], no_verdict: 'There is no verdict: the scratch baseline (replicate 1) was cancelled.', final: true } });
    expect(live.experiment!.verdict).toEqual([]);
    expect(live.experiment!.no_verdict).toMatch(/cancelled/);
  });

  it('says why the server turned it away, and waits the longest backoff before asking again', () => {
    const { live, last, timers } = setup();
    last().drop(1013, 'This experiment has 64 live views open, its limit; close some tabs and reload.');
    expect(live.refusal).toContain('64 live views open');
    expect(live.connection).toBe('reconnecting');
    expect(timers.at(-1)!.ms).toBe(10_000);
    timers.at(-1)!.fn();
    last().send(snapshot(1));
    expect(live.refusal).toBe('');
  });

  it('stops without reconnecting', () => {
    const { live, timers, last } = setup();
    last().send(snapshot(1));
    live.stop();
    expect(last().closed).toBe(true);
    expect(timers).toHaveLength(0);
    expect(live.connection).toBe('closed');
  });
});

describe('backoffMs', () => {
  it('doubles from half a second up to ten', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });
});
