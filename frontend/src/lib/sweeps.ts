// Sweeps in the web app: the axes the wizard offers with their suggested values, the
// request it sends, and the chart lines of a sweep's cells.
import type { Axis, Band, SweepRequest, SweepView } from './api-types';
import { armColor } from './colors';
import { strategyLabel } from './format';
import { fitsInput } from './modelFit';
import type { Dataset, Model } from './types';
import type { WizardChoices } from './wizard';
import type { ChartSeries } from '../components/charts/series';


export interface AxisInfo {
  axis: Axis;
  label: string;
  /** What the chart's x-axis says. */
  xLabel: string;
  help: string;
}

export const axes: readonly AxisInfo[] = [
  {
    axis: 'labels_per_class',
    label: 'Labels per class',
    xLabel: 'labels per class',
    help: 'Each value trains on its own seeded pick of that many images per class (nested: the 10-per-class pick holds the 5-per-class one); validation and test stay whole. Shows where scratch catches up with fine-tuning.',
  },
  {
    axis: 'freeze_depth',
    label: 'Frozen depth',
    xLabel: 'frozen bottom layers',
    help: '0 fine-tunes every layer; each value freezes that many bottom layers; linear-probe freezes all but the head. Shows what freezing costs in accuracy and saves in time.',
  },
  {
    axis: 'base_model',
    label: 'Base model',
    xLabel: 'base model',
    help: 'The same target from each compatible model of the zoo, next to scratch. Shows how much the source matters.',
  },
  {
    axis: 'lr',
    label: 'Learning rate',
    xLabel: 'learning rate',
    help: 'Each strategy at a few learning rates on a log scale. Shows whether fine-tuning wants a smaller rate than scratch.',
  },
];

export const axisInfo = (a: Axis): AxisInfo => axes.find((x) => x.axis === a) ?? axes[0]!;

/** The values the wizard suggests for an axis, as the text field shows them. */
export function defaultValues(axis: Axis, models: Model[], dataset: Dataset | undefined, baseModelId: string): string {
  switch (axis) {
    case 'labels_per_class':
      return '2, 5, 10, 20, 50';
    case 'freeze_depth':
      return '0, 1, 2, linear-probe';
    case 'lr':
      return '0.001, 0.003, 0.01, 0.03, 0.1';
    case 'base_model': {
      const base = models.find((m) => m.id === baseModelId);
      const fit = models.filter((m) => m.source === 'zoo' && (fitsInput(dataset, m) ?? (!base || m.arch === base.arch)));
      return fit.map((m) => m.id).join(', ');
    }
  }
}

/** The values typed in the field: numbers where they read as numbers, words otherwise. */
export function parseValues(text: string): (number | string)[] {
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? Number(s) : s));
}

/** The sweep the wizard's choices ask for: the experiment's spec with the axis set per value. */
export function sweepRequest(c: WizardChoices, axis: Axis, values: (number | string)[], strategies: string[]): SweepRequest {
  const hyper: Record<string, unknown> = { ...c.hyper };
  // The sweep sets these per cell: replicates for all, the axis's own setting per value.
  const replicates = Number(hyper.replicates) || 3;
  delete hyper.replicates;
  delete hyper[axis];
  if (axis === 'labels_per_class') delete hyper.labels_per_class;
  return {
    name: c.name.trim() || undefined,
    dataset_id: c.datasetId,
    base_model_id: axis === 'base_model' ? undefined : c.baseModelId,
    hyper,
    axis,
    values,
    strategies: axis === 'freeze_depth' ? strategies.filter((s) => s === 'scratch') : strategies,
    replicates,
  };
}

/** Where each cell sits on the x-axis: its value on the log axes, its position on the others. */
export function cellXs(v: Pick<SweepView, 'axis' | 'spec'>): number[] {
  const values = v.spec.values ?? [];
  if (v.axis === 'labels_per_class' || v.axis === 'lr') {
    const nums = values.map(Number).filter((x) => Number.isFinite(x) && x > 0);
    const top = nums.length ? Math.max(...nums) : 1;
    // "all" sits one doubling past the largest count: the chart labels it "all".
    return values.map((s) => (s === 'all' ? top * 2 : Number(s)));
  }
  return values.map((_, i) => i);
}

/** Whether the axis is drawn on a log scale. */
export const logAxis = (a: Axis) => a === 'labels_per_class' || a === 'lr';

/** The words under a tick at x. */
export function tickLabel(v: Pick<SweepView, 'axis' | 'spec'>, x: number): string {
  const i = cellXs(v).indexOf(x);
  if (i < 0) return '';
  const value = v.spec.values[i]!;
  if (v.axis === 'freeze_depth') return value === 'linear-probe' ? 'probe' : value;
  return value;
}

export type SweepMetric = 'test_acc' | 'steps_to_target' | 'seconds_per_epoch';

/** How a line is named on the sweep's charts. */
export function lineLabel(line: string): string {
  return line === 'frozen' ? 'Frozen depth' : strategyLabel(line);
}

/** Each line's centre over the cells with its band (min-max, or 95% from 5 replicates). */
export function sweepSeries(v: SweepView, metric: SweepMetric): ChartSeries[] {
  const xs = cellXs(v);
  const out: ChartSeries[] = [];
  (v.lines ?? []).forEach((line, li) => {
    const color = armColor(li);
    const x: number[] = [];
    const y: number[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    v.cell_views.forEach((c, ci) => {
      const b: Band | undefined = c.lines.find((l) => l.line === line)?.[metric];
      if (!b || b.value === null) return;
      x.push(xs[ci]!);
      y.push(b.value);
      lo.push(b.lo ?? b.value);
      hi.push(b.hi ?? b.value);
    });
    if (x.length === 0) return;
    const label = lineLabel(line);
    out.push({ label: `${label} (high)`, color, x, y: hi, band: 'hi', group: line });
    out.push({ label: `${label} (low)`, color, x, y: lo, band: 'lo', group: line });
    out.push({ label, color, x, y, dots: true, group: line });
  });
  return out;
}
