import type { LayerInfo } from './architectures';
// Shapes of the API's JSON answers, as the server sends them (snake_case kept).

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One value of a curve. `wall_time` is seconds since the run started. */
export interface Point {
  step: number;
  epoch: number;
  value: number;
  wall_time: number;
}

export interface ImageShape {
  channels: number;
  height: number;
  width: number;
}

export interface DatasetClass {
  name: string;
  count: number;
  splits?: DatasetSplits;
}

export interface DatasetSplits {
  train: number;
  val: number;
  test: number;
}

export interface Dataset {
  id: string;
  name: string;
  status: string;
  source?: string;
  description?: string;
  num_classes: number;
  num_images: number;
  classes: DatasetClass[];
  splits: DatasetSplits;
  channels: number;
  height: number;
  width: number;
  report?: ImportReport | null;
  error?: string;
  created_at?: string;
}

/** What an import did with each file it did not turn into a training image. */
export interface ImportReport {
  layout?: string;
  files_seen?: number;
  imported?: number;
  ignored?: number;
  ignored_files?: string[];
  skipped?: { file: string; reason: string }[];
  skipped_count?: number;
  duplicates?: { file: string; class: string; same_as: string; same_as_class: string }[];
  duplicate_count?: number;
  notes?: string[];
}

export interface ModelCard {
  architecture?: string;
  epochs?: number;
  seed?: number;
  optimizer?: Record<string, unknown>;
  parameters?: number;
  command?: string;
  test_images?: number;
  format?: string;
  [key: string]: unknown;
}

export interface Model {
  id: string;
  name: string;
  arch: string;
  input: ImageShape;
  classes: string[];
  source: 'zoo' | 'run' | string;
  source_dataset?: string;
  test_accuracy?: number | null;
  run_id?: string;
  card?: ModelCard;
  layers?: LayerInfo[];
}

export type Hyper = Record<string, number | string | boolean>;

export interface Run {
  id: string;
  experiment_id: string;
  arm: number;
  strategy: string;
  status: RunStatus;
  error?: string;
  steps: number;
  total_steps: number;
  epochs_done: number;
  best_val_acc: number | null;
  final_val_acc: number | null;
  test_acc: number | null;
  model_id?: string;
  hyper: Hyper;
  started_at: string | null;
  finished_at: string | null;
  /** A person's short name and tags for the run (GET /api/runs/:id and compare). */
  name?: string;
  tags?: string[];
}

export interface Speedup {
  run_id: string;
  vs_run_id: string;
  target: number;
  reached: boolean;
  baseline_steps?: number;
  steps?: number;
  steps_ratio: number | null;
  seconds_ratio: number | null;
  loss_auc_ratio?: number | null;
  acc_gap: number | null;
  negative_transfer?: boolean;
}

export interface Experiment {
  id: string;
  name: string;
  dataset_id: string;
  base_model_id: string;
  /** Names to show instead of the ids. */
  dataset_name?: string;
  base_model_name?: string;
  arch: string;
  status: RunStatus;
  hyper: Hyper;
  created_at: string;
  runs: Run[];
  speedup: Speedup[];
}

/** Curves of one run, by metric name, each sorted by step. */
export type RunCurves = Record<string, Point[]>;

export interface CompareRun extends Run {
  curves: RunCurves;
  best: Record<string, number>;
  final: Record<string, number>;
}

export interface HyperDiff {
  key: string;
  values: Record<string, unknown>;
}

export interface Comparison {
  runs: CompareRun[];
  hyper_diff: HyperDiff[];
}

export interface ClassMetrics {
  /** The class index into Evaluation.classes (or its name). */
  class: number | string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Misclassified {
  index: number;
  true: number | string;
  pred: number | string;
  confidence: number;
}

export interface Evaluation {
  classes: string[];
  test: {
    n: number;
    loss: number;
    accuracy: number;
    per_class: ClassMetrics[];
    confusion: number[][];
    misclassified: Misclassified[];
  };
  drift?: Record<string, number>;
}

export interface Prediction {
  top: { class: string; prob: number }[];
}
