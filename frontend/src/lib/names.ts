// People read names, not ids: look up what an id stands for in lists already loaded.
import { strategyLabel } from './format';
import type { Dataset, Experiment, Model } from './types';

/** A dataset's name; a value that is no dataset id (a zoo card's "mnist:0-4") is shown as it is. */
export function datasetName(id: string | undefined, datasets: readonly Dataset[]): string {
  if (!id) return '—';
  return datasets.find((d) => d.id === id)?.name ?? (/^ds_[0-9a-f]+$/.test(id) ? 'a deleted dataset' : id);
}

/** "Fine-tune run of shapes: fine-tune vs scratch", or undefined when the run is unknown. */
export function runName(runId: string | undefined, experiments: readonly Experiment[]): string | undefined {
  if (!runId) return undefined;
  for (const e of experiments) {
    const r = e.runs.find((x) => x.id === runId);
    if (r) return `${strategyLabel(r.strategy)} run of ${e.name}`;
  }
  return undefined;
}

/** A model's name without the run id a trained model's name ends with: "shapes: …, finetune". */
export const modelName = (m: Pick<Model, 'name'>) => m.name.replace(/ \(run_[0-9a-f]+\)$/, '');
