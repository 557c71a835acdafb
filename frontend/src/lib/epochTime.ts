// The expected time per epoch at each input size, from the speeds the server measured
// (GET /api/models/:id/timing) and the dataset's split sizes.
import type { SizeTiming } from './api-types';
import type { Dataset } from './types';

export interface EpochEstimate {
  size: number;
  /** Seconds a linear probe spends once computing the features of every training and validation image. */
  featuresOnce: number;
  /** Seconds one epoch takes when every layer trains (scratch, full fine-tuning). */
  fullEpoch: number;
}

/** Estimates for each measured size; undefined figures when the dataset's splits are unknown. */
export function epochEstimates(timings: SizeTiming[], d: Dataset | undefined): EpochEstimate[] {
  const train = d?.splits?.train ?? 0;
  const val = d?.splits?.val ?? 0;
  if (!train) return [];
  return timings.map((t) => ({
    size: t.size,
    featuresOnce: (train + Math.min(val, 1000)) / t.inference_per_sec,
    fullEpoch: train / t.train_per_sec,
  }));
}

/** A short reading of seconds: "0.8 s", "12 s", "3.4 min". */
export function seconds(s: number): string {
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  return `${(s / 60).toFixed(1)} min`;
}
