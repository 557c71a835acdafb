// The names the web app reads the API's JSON answers by. Every shape is generated from
// the Go type that writes it (api-types.ts, `go run ./backend/cmd/tsgen`); none is
// written here, so a field the server renames fails svelte-check, not a user's page.
import type {
  ClassInfo,
  DatasetView,
  ExperimentView,
  LabelledRun,
  Miss,
  ModelView,
  Point,
  PredictView,
  Card,
} from './api-types';

export type {
  ArmVerdict,
  ClassMetrics,
  CompareRun,
  Comparison,
  DatasetStatus,
  Evaluation,
  ExperimentStatus,
  Gap,
  Hyper,
  HyperDiff,
  ImportCode,
  ImportReport,
  Point,
  Ratio,
  RunStatus,
  Setting,
  SpecView,
  SplitCounts,
  StrategyInfo,
  TestReport,
} from './api-types';

export type Dataset = DatasetView;
export type DatasetClass = ClassInfo;
export type Model = ModelView;
export type ModelCard = Card;
/** A run, with the short name and tags a person gave it. */
export type Run = LabelledRun;
export type Experiment = ExperimentView;
/** An image of the test split the model got wrong. */
export type Misclassified = Miss;
/** A model's answer for one image: its likeliest classes. */
export type Prediction = PredictView;

/** Curves of one run, by metric name, each sorted by step. */
export type RunCurves = Record<string, Point[]>;
