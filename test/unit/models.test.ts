import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, knownModels, MODEL_ID_PATTERN, modelProfile } from '../../common/models.js';

describe('the dialect each model is spoken to in', () => {
  it('Claude 5.5 models, Fable, Mythos, Opus 5, Sonnet 5 and Opus 4.8 get the computer toolset, with the browser toolset and no beta flag', () => {
    for (const model of ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-fable-5', 'claude-fable-5-1', 'claude-mythos-5-1', 'claude-opus-5', 'claude-sonnet-5', 'claude-opus-4-8']) {
      expect(modelProfile(model), model).toMatchObject({ dialect: 'computer_toolset_20260801', browser: true });
      expect(modelProfile(model).beta, model).toBeUndefined();
    }
  });

  it('Opus 4.5 to 4.7 and Sonnet 4.6 get computer_20251124 with its beta flag', () => {
    for (const model of ['claude-opus-4-5', 'claude-opus-4-6', 'claude-opus-4-7', 'claude-sonnet-4-6']) {
      expect(modelProfile(model), model).toMatchObject({ dialect: 'computer_20251124', beta: 'computer-use-2025-11-24', browser: false });
    }
  });

  it('Sonnet 4.5, Haiku 4.5, Opus 4.1, Sonnet 4 and Opus 4 get computer_20250124, dated ids included', () => {
    for (const model of ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5', 'claude-opus-4-1-20250805', 'claude-sonnet-4-20250514', 'claude-opus-4-20250514', 'claude-opus-4-0']) {
      expect(modelProfile(model), model).toMatchObject({ dialect: 'computer_20250124', beta: 'computer-use-2025-01-24' });
    }
  });

  it('an id the table does not know is taken to be newer: the toolset', () => {
    expect(modelProfile('claude-opus-6')).toMatchObject({ dialect: 'computer_toolset_20260801' });
  });

  it('DISPATCH_COMPUTER_TOOL overrides the dialect but keeps the model\'s image rule', () => {
    expect(modelProfile('claude-sonnet-4-5', 'computer_20251124')).toMatchObject({ dialect: 'computer_20251124', images: { maxLongEdge: 1568 } });
    expect(modelProfile('claude-some-new-model', 'computer_toolset_20260801')).toMatchObject({ dialect: 'computer_toolset_20260801' });
  });

  it('only Fable 5.1 and Opus 5.5 keep every old screenshot', () => {
    const keeping = knownModels().filter((model) => modelProfile(model.id).keepsOldScreenshots).map((model) => model.id);
    expect(keeping.sort()).toEqual(['claude-fable-5-1', 'claude-opus-5-5']);
  });
});

describe('the models a person can pick', () => {
  it('defaults to Claude Sonnet 5.5 and lists each model once', () => {
    expect(DEFAULT_MODEL).toBe('claude-sonnet-5-5');
    const labels = knownModels().map((model) => model.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(knownModels()[0]).toEqual({ id: 'claude-sonnet-5-5', label: 'Claude Sonnet 5.5' });
  });

  it('accepts well-formed ids and refuses malformed ones', () => {
    for (const id of ['claude-sonnet-5-5', 'claude-opus-4-1-20250805', 'my-proxy.model:v1']) expect(MODEL_ID_PATTERN.test(id), id).toBe(true);
    for (const id of ['', ' claude', 'claude sonnet', 'x'.repeat(101), '../etc', 'claude\n']) expect(MODEL_ID_PATTERN.test(id), id).toBe(false);
  });
});
