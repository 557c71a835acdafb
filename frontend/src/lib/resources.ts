// One function per API route the pages use.
import { apiFetch, apiSend } from './api';
import type {
  DatasetList,
  ExperimentList,
  MetricCurve,
  MeView,
  MetricNames,
  ModelTiming,
  ModelList,
  NewTokenView,
  Request as ExperimentRequest,
  SharedView,
  SpecView,
  SweepListItem,
  SweepRequest,
  SweepView,
  TokenList,
  Transferability,
} from './api-types';
import type { Comparison, Dataset, Evaluation, Experiment, Model, Prediction, Run } from './types';
import { fileForm, uploadForm, type UploadProgress } from './upload';

const enc = encodeURIComponent;

// Datasets
export const listDatasets = (signal?: AbortSignal) =>
  apiFetch<DatasetList>('/datasets', { signal }).then((r) => r.datasets ?? []);
export const getDataset = (id: string, signal?: AbortSignal) => apiFetch<Dataset>(`/datasets/${enc(id)}`, { signal });
export const renameDataset = (id: string, name: string) => apiSend<Dataset>(`/datasets/${enc(id)}`, { name }, 'PATCH');
export const deleteDataset = (id: string) => apiFetch<void>(`/datasets/${enc(id)}`, { method: 'DELETE' });
/** Upload with an upload_id so GET /api/uploads/:id/progress can report the import. */
export const uploadDataset = (file: File, name: string, onprogress?: (p: UploadProgress) => void, uploadId = '', signal?: AbortSignal) =>
  uploadForm<Dataset>(`/datasets${uploadId ? `?upload_id=${enc(uploadId)}` : ''}`, fileForm(file, file.name, { name }), onprogress, signal);
export const previewUrl = (id: string, cls: string, n = 12) =>
  `/api/datasets/${enc(id)}/preview?class=${enc(cls)}&n=${n}`;
/** The models ranked for a dataset by a cheap score on their frozen features, before training. */
export const getTransferability = (id: string, models: string[], signal?: AbortSignal) =>
  apiFetch<Transferability>(`/datasets/${enc(id)}/transferability?models=${models.map(enc).join(',')}`, { signal });
export const imageUrl = (datasetId: string, index: number, split = 'test') =>
  `/api/datasets/${enc(datasetId)}/images/${index}?split=${enc(split)}`;

// Models
export const listModels = (signal?: AbortSignal) =>
  apiFetch<ModelList>('/models', { signal }).then((r) => r.models ?? []);
export const getModel = (id: string, signal?: AbortSignal) => apiFetch<Model>(`/models/${enc(id)}`, { signal });
export const getModelTiming = (id: string, signal?: AbortSignal) =>
  apiFetch<ModelTiming>(`/models/${enc(id)}/timing`, { signal });
/** Delete a model trained here (with its weights); the server refuses while an experiment trains from it. */
export const deleteModel = (id: string) => apiFetch<void>(`/models/${enc(id)}`, { method: 'DELETE' });
export const predict = (modelId: string, image: Blob, filename = 'image.png') =>
  uploadForm<Prediction>(`/models/${enc(modelId)}/predict`, fileForm(image, filename));

// Experiments
export type { ArmRequest, Request as ExperimentRequest } from './api-types';
/** The rules the wizard validates and defaults by: settings, limits, strategies. */
export const getExperimentSpec = (signal?: AbortSignal) => apiFetch<SpecView>('/experiments/spec', { signal });
export const listExperiments = (signal?: AbortSignal) =>
  apiFetch<ExperimentList>('/experiments', { signal }).then((r) => r.experiments ?? []);
export const getExperiment = (id: string, signal?: AbortSignal) =>
  apiFetch<Experiment>(`/experiments/${enc(id)}`, { signal });
export const createExperiment = (body: ExperimentRequest) => apiSend<Experiment>('/experiments', body);
export const cancelExperiment = (id: string) => apiSend<Experiment>(`/experiments/${enc(id)}/cancel`, {});
/** Delete a finished experiment with its runs, curves, checkpoints and trained models. */
export const deleteExperiment = (id: string) => apiFetch<void>(`/experiments/${enc(id)}`, { method: 'DELETE' });

// Sweeps: one question along an axis, each value an experiment
export const listSweeps = (signal?: AbortSignal) =>
  apiFetch<{ sweeps: SweepListItem[] }>('/sweeps', { signal }).then((r) => r.sweeps ?? []);
export const getSweep = (id: string, signal?: AbortSignal) => apiFetch<SweepView>(`/sweeps/${enc(id)}`, { signal });
export const createSweep = (body: SweepRequest) => apiSend<SweepView>('/sweeps', body);
export const cancelSweep = (id: string) => apiSend<SweepView>(`/sweeps/${enc(id)}/cancel`, {});
/** Delete a finished sweep with every experiment of it. */
export const deleteSweep = (id: string) => apiFetch<void>(`/sweeps/${enc(id)}`, { method: 'DELETE' });

// Runs
export const getRun = (id: string, signal?: AbortSignal) => apiFetch<Run>(`/runs/${enc(id)}`, { signal });
export const cancelRun = (id: string) => apiSend<Run>(`/runs/${enc(id)}/cancel`, {});
/** Rename and retag a run; a field left out stays as it is. */
export const labelRun = (id: string, label: { name?: string; tags?: string[] }) => apiSend<Run>(`/runs/${enc(id)}`, label, 'PATCH');
export const getEvaluation = (id: string, signal?: AbortSignal) =>
  apiFetch<Evaluation>(`/runs/${enc(id)}/evaluation`, { signal });
export const metricNames = (id: string, signal?: AbortSignal) =>
  apiFetch<MetricNames>(`/runs/${enc(id)}/metrics`, { signal }).then((r) => r.names ?? []);
export function getMetric(
  id: string,
  name: string,
  opts: { fromStep?: number; toStep?: number; maxPoints?: number } = {},
  signal?: AbortSignal,
) {
  const q = new URLSearchParams({ name, max_points: String(opts.maxPoints ?? 1000) });
  if (opts.fromStep) q.set('from_step', String(Math.max(0, Math.floor(opts.fromStep))));
  if (opts.toStep !== undefined) q.set('to_step', String(Math.max(0, Math.ceil(opts.toStep))));
  return apiFetch<MetricCurve>(`/runs/${enc(id)}/metrics?${q}`, { signal }).then((r) => r.points ?? []);
}
export const compareRuns = (ids: string[], maxPoints = 1000, signal?: AbortSignal) =>
  apiFetch<Comparison>(`/compare?runs=${ids.map(enc).join(',')}&max_points=${maxPoints}`, { signal });

// Accounts (a server run with --auth)
export const getMe = (signal?: AbortSignal) => apiFetch<MeView>('/auth/me', { signal });
export const login = (name: string, password: string) => apiSend<MeView>('/auth/login', { name, password });
export const logout = () => apiFetch<void>('/auth/logout', { method: 'POST' });
export const listTokens = (signal?: AbortSignal) =>
  apiFetch<TokenList>('/tokens', { signal }).then((r) => r.tokens ?? []);
export const createToken = (name: string) => apiSend<NewTokenView>('/tokens', { name });
export const revokeToken = (id: string) => apiFetch<void>(`/tokens/${enc(id)}`, { method: 'DELETE' });

/** What an owner can share with everyone on the server. */
export type SharedKind = 'datasets' | 'experiments' | 'models';
export const setShared = (kind: SharedKind, id: string, shared: boolean) =>
  apiSend<SharedView>(`/${kind}/${enc(id)}/shared`, { shared }, 'PUT');
