// The live state of one experiment, fed by its websocket: a snapshot, then one message
// per event. Points are applied idempotently by (run, metric, step); a new snapshot
// replaces everything; a dropped connection resumes from the last seq without gaps.
import type { ArmVerdict, Experiment, Run, RunCurves, RunStatus } from '../types';
import { applyMetric, type MetricData } from './curves';

/** The part of WebSocket this store uses, so tests can hand it a fake. */
export interface LiveSocket {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  close(): void;
}

export type SocketFactory = (url: string) => LiveSocket;

export interface SnapshotMessage {
  type: 'snapshot';
  hub: string;
  seq: number;
  experiment: Experiment;
  metrics: Record<string, RunCurves>;
  recent: EventMessage[];
}

export interface StatusData {
  status: RunStatus;
  error?: string;
  /** Why the run waits (the disk is full); "" once it trains again. */
  paused?: string;
  steps?: number;
  total_steps?: number;
  epochs_done?: number;
  best_val_acc?: number | null;
  final_val_acc?: number | null;
  test_acc?: number | null;
  model_id?: string;
}

export type EventMessage =
  | { seq: number; run_id: string; kind: 'metric'; data: MetricData }
  | { seq: number; run_id: string; kind: 'status'; data: StatusData }
  | { seq: number; run_id: string; kind: 'verdict'; data: VerdictData };

/** The experiment's verdict as the server stored it, pushed whenever it changes. */
export interface VerdictData {
  verdict: ArmVerdict[];
  no_verdict?: string;
  final: boolean;
}

/** Several events in one message: the server gathers what arrives within a few ms. */
export interface BatchMessage {
  type: 'batch';
  events: EventMessage[];
}

export type LiveMessage = SnapshotMessage | BatchMessage | EventMessage;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** ws(s)://host/api/experiments/:id/live, with ?since=&hub= to resume. */
export function liveUrl(loc: { protocol: string; host: string }, experimentId: string, resume?: { seq: number; hub: string }): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  let url = `${proto}//${loc.host}/api/experiments/${encodeURIComponent(experimentId)}/live`;
  if (resume && resume.hub) url += `?since=${resume.seq}&hub=${encodeURIComponent(resume.hub)}`;
  return url;
}

/** The longest wait between reconnects. */
export const MAX_BACKOFF_MS = 10_000;

/** The close code of a server at its cap of live views (RFC 6455 registry). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** Delay before reconnect attempt n (0-based): 0.5 s doubling up to 10 s. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
}

const finished = (s: string) => s === 'succeeded' || s === 'failed' || s === 'cancelled';

/** The experiment's status from its runs' (the server's rule: running wins, then queued). */
export function experimentStatus(runs: readonly Run[]): RunStatus {
  if (runs.some((r) => r.status === 'running')) return 'running';
  if (runs.some((r) => r.status === 'queued')) return runs.some((r) => finished(r.status)) ? 'running' : 'queued';
  if (runs.some((r) => r.status === 'failed')) return 'failed';
  if (runs.some((r) => r.status === 'cancelled')) return 'cancelled';
  return 'succeeded';
}

export interface LiveOptions {
  socket?: SocketFactory;
  location?: { protocol: string; host: string };
  /** Called after a run's status changes, e.g. to refetch the server's speedup. */
  onstatus?: (runId: string, status: RunStatus) => void;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancelSchedule?: (handle: unknown) => void;
}

export class LiveExperiment {
  readonly id: string;
  /** The experiment and its runs, replaced (never mutated) on every change. */
  experiment = $state.raw<Experiment | null>(null);
  /** Bumped whenever the curves change; the curves themselves are not reactive. */
  version = $state(0);
  connection = $state<ConnectionState>('connecting');
  /** Why the server turned the live view away (it was at its cap of viewers), until a snapshot arrives. */
  refusal = $state('');
  /** Curves by run id, then metric name, each sorted by step. */
  metrics: Record<string, RunCurves> = {};
  seq = 0;
  hub = '';

  private socket: LiveSocket | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private readonly opts: Required<Omit<LiveOptions, 'onstatus'>> & Pick<LiveOptions, 'onstatus'>;

  constructor(id: string, opts: LiveOptions = {}) {
    this.id = id;
    this.opts = {
      socket: opts.socket ?? ((url) => new WebSocket(url)),
      location: opts.location ?? window.location,
      onstatus: opts.onstatus,
      schedule: opts.schedule ?? ((fn, ms) => setTimeout(fn, ms)),
      cancelSchedule: opts.cancelSchedule ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
    };
  }

  /** The URL the next connection uses: a resume once a snapshot has been seen. */
  get url(): string {
    return liveUrl(this.opts.location, this.id, this.hub ? { seq: this.seq, hub: this.hub } : undefined);
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.opts.cancelSchedule(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = s.onmessage = s.onerror = s.onopen = null;
      s.close();
    }
    this.connection = 'closed';
  }

  private connect(): void {
    this.timer = null;
    const s = this.opts.socket(this.url);
    this.socket = s;
    s.onopen = () => {
      if (this.socket === s) this.connection = 'open';
    };
    s.onmessage = (ev) => {
      if (this.socket !== s) return;
      this.attempt = 0;
      let msg: LiveMessage;
      try {
        msg = JSON.parse(String(ev.data)) as LiveMessage;
      } catch {
        return;
      }
      if (!this.handle(msg)) this.drop(s); // a gap: resume from the last seq
    };
    s.onerror = () => {}; // onclose follows and reconnects
    s.onclose = (ev) => {
      if (this.socket !== s) return;
      // 1013 "try again later": the server has as many live views as it serves. Say
      // so, and wait the longest backoff before asking again.
      const full = ev?.code === CLOSE_TRY_AGAIN_LATER;
      if (full) this.refusal = ev.reason || 'The server has too many live views open; close some tabs.';
      this.drop(s, full);
    };
  }

  /** Forget socket s and try again after the backoff. */
  private drop(s: LiveSocket, full = false): void {
    s.onclose = s.onmessage = s.onerror = s.onopen = null;
    s.close();
    this.socket = null;
    if (this.stopped) return;
    this.connection = 'reconnecting';
    this.timer = this.opts.schedule(() => this.connect(), full ? MAX_BACKOFF_MS : backoffMs(this.attempt++));
  }

  /** Apply one message. False when it reveals a gap (events were missed). */
  handle(msg: LiveMessage): boolean {
    if ('type' in msg && msg.type === 'snapshot') {
      this.applySnapshot(msg);
      this.refusal = '';
      return true;
    }
    if ('type' in msg && msg.type === 'batch') {
      return (msg.events ?? []).every((ev) => this.handle(ev));
    }
    const ev = msg as EventMessage;
    if (ev.seq <= this.seq) return true; // seen already
    if (this.hub && ev.seq > this.seq + 1) return false;
    this.seq = ev.seq;
    this.applyEvent(ev, true);
    return true;
  }

  private applySnapshot(m: SnapshotMessage): void {
    const metrics: Record<string, RunCurves> = {};
    for (const [run, curves] of Object.entries(m.metrics ?? {})) {
      metrics[run] = {};
      for (const [name, pts] of Object.entries(curves ?? {})) metrics[run][name] = [...(pts ?? [])].sort((a, b) => a.step - b.step);
    }
    this.metrics = metrics;
    this.experiment = m.experiment;
    this.hub = m.hub;
    this.seq = m.seq;
    // Recent events may hold points not yet in the stored curves; applying twice is harmless.
    for (const ev of [...(m.recent ?? [])].sort((a, b) => a.seq - b.seq)) this.applyEvent(ev, false);
    this.version++;
  }

  private applyEvent(ev: EventMessage, notify: boolean): void {
    if (ev.kind === 'metric') {
      const curves = (this.metrics[ev.run_id] ??= {});
      if (applyMetric(curves, ev.data)) {
        if ('train_loss' in ev.data.values) this.patchRun(ev.run_id, (r) => (ev.data.step > r.steps ? { steps: ev.data.step } : null));
        this.version++;
      }
    } else if (ev.kind === 'status') {
      const d = ev.data;
      let changedStatus = false;
      this.patchRun(ev.run_id, (r) => {
        changedStatus = r.status !== d.status;
        const patch: Partial<Run> = { status: d.status };
        for (const k of ['error', 'paused', 'steps', 'total_steps', 'epochs_done', 'best_val_acc', 'final_val_acc', 'test_acc', 'model_id'] as const) {
          if (d[k] !== undefined) (patch as Record<string, unknown>)[k] = d[k];
        }
        return patch;
      });
      if (notify && changedStatus) this.opts.onstatus?.(ev.run_id, d.status);
    } else if (ev.kind === 'verdict') {
      const e = this.experiment;
      if (!e) return;
      const d = ev.data;
      this.experiment = { ...e, verdict: d.verdict ?? [], no_verdict: d.no_verdict, summary_final: d.final };
    }
  }

  private patchRun(runId: string, fn: (r: Run) => Partial<Run> | null): void {
    const e = this.experiment;
    if (!e) return;
    const i = e.runs.findIndex((r) => r.id === runId);
    if (i < 0) return;
    const patch = fn(e.runs[i]!);
    if (!patch) return;
    const runs = e.runs.slice();
    runs[i] = { ...runs[i]!, ...patch };
    this.experiment = { ...e, runs, status: experimentStatus(runs) };
  }

  /** Replace the experiment (e.g. after GET /api/experiments/:id), keeping the curves. */
  setExperiment(e: Experiment): void {
    this.experiment = e;
  }
}
