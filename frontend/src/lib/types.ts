import type { LayerInfo } from './architectures';
import type { ExperimentView, LabelledRun, Point, Prediction as ClassProb } from './api-types';
// Shapes of the API's JSON answers, as the server sends them (snake_case kept). The
// experiment's shapes are generated from the Go types (api-types.ts); the rest are
// written here.

export type {
  ArmVerdict,
  ExperimentStatus,
  Gap,
  Ratio,
  Hyper,
  Point,
  RunStatus,
  Setting,
  SpecView,
  StrategyInfo,
} from './api-types';

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
  /** The account that made it ('' for built-ins and rows made without accounts). */
  owner_id?: string;
  /** Shown to everyone on the server by its owner. */
  shared?: boolean;
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
  owner_id?: string;
  shared?: boolean;
}

/** A run, with the short name and tags a person gave it. */
export type Run = LabelledRun;
export type Experiment = ExperimentView;

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
  top: ClassProb[];
}
