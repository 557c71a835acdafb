import { describe, expect, it } from 'vitest';
import { armsProblem, armStrategies, defaultExperimentName, type ArmChoices } from './arms';
import type { Dataset, Model } from './types';

const choices = (over: Partial<ArmChoices> = {}): ArmChoices => ({ strategies: ['finetune'], freezeKs: [1], scratch: true, ...over });

describe('armsProblem', () => {
  it('asks for at least one strategy and a freeze depth when freezing', () => {
    expect(armsProblem(choices({ strategies: [] }), 4)).toMatch(/at least one/);
    expect(armsProblem(choices({ strategies: ['freeze'], freezeKs: [] }), 4)).toMatch(/how many bottom layers/);
    expect(armsProblem(choices({ strategies: ['freeze'], freezeKs: [0] }), 4)).toMatch(/between 1 and 3/);
    expect(armsProblem(choices(), 4)).toBeNull();
  });

  it('agrees with the Experiments page: two or more arms', () => {
    expect(armsProblem(choices({ scratch: false }), 4)).toMatch(/two or more arms/);
    expect(armsProblem(choices({ scratch: false, strategies: ['finetune', 'linear-probe'] }), 4)).toBeNull();
  });

  it('keeps to the server limit of 8 arms', () => {
    const deep = choices({ strategies: ['finetune', 'freeze', 'linear-probe'], freezeKs: [1, 2, 3, 4, 5, 6] });
    expect(armStrategies(deep)).toHaveLength(9);
    expect(armsProblem(deep, 10)).toMatch(/9 arms; an experiment has at most 8/);
    expect(armsProblem({ ...deep, freezeKs: [1, 2, 3, 4, 5] }, 10)).toBeNull();
  });

  it('makes each freeze depth one arm, once', () => {
    expect(armStrategies(choices({ strategies: ['freeze'], freezeKs: [2, 1, 2] }))).toEqual(['freeze:1', 'freeze:2', 'scratch']);
  });

  it('sends the practice strategies as the server names them, in a stable order', () => {
    const c = choices({ strategies: ['layerwise-lr', 'gradual-unfreeze', 'finetune'] });
    expect(armStrategies(c)).toEqual(['finetune', 'gradual-unfreeze', 'layerwise-lr', 'scratch']);
  });
});

describe('defaultExperimentName', () => {
  const d = { name: 'shapes' } as Dataset;
  const m = { name: 'cnn digits 0-4', arch: 'cnn' } as Model;
  it('says which strategies, against what, and from which model, as the server does', () => {
    expect(defaultExperimentName(['finetune', 'freeze:2', 'linear-probe', 'scratch'], d, m)).toBe(
      'shapes: fine-tune, freeze 2, linear probe vs scratch · from cnn digits 0-4',
    );
    expect(defaultExperimentName(['finetune', 'linear-probe'], d, m)).toBe('shapes: fine-tune, linear probe · from cnn digits 0-4');
  });
});
