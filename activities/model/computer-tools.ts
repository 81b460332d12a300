/**
 * Which version of Anthropic's computer tool (and beta flag) each model speaks. Models are
 * trained on one version; sending another one degrades them or is refused, so this table is the
 * single place that decides it. DISPATCH_COMPUTER_TOOL overrides it for models it does not know.
 */
export type ComputerToolVersion = 'computer_20250124' | 'computer_20251124';

export interface ToolVersions {
  computer: ComputerToolVersion;
  beta: 'computer-use-2025-01-24' | 'computer-use-2025-11-24';
  /** computer_20251124 adds a `zoom` action that returns a region at native resolution. */
  zoom: boolean;
}

const NEWER: ToolVersions = {
  computer: 'computer_20251124',
  beta: 'computer-use-2025-11-24',
  zoom: true,
};
const OLDER: ToolVersions = {
  computer: 'computer_20250124',
  beta: 'computer-use-2025-01-24',
  zoom: false,
};

/** Prefixes of model ids trained on computer_20250124; everything newer gets computer_20251124. */
const OLDER_MODEL_PREFIXES = [
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-1',
  'claude-opus-4-2',
  'claude-sonnet-4-2',
  'claude-opus-4-0',
  'claude-sonnet-4-0',
  'claude-3-7-sonnet',
];
const EXACT_OLDER_MODELS = new Set(['claude-opus-4', 'claude-sonnet-4']);

export function toolVersionsForModel(model: string, override?: ComputerToolVersion): ToolVersions {
  if (override) return override === NEWER.computer ? NEWER : OLDER;
  const older = EXACT_OLDER_MODELS.has(model) || OLDER_MODEL_PREFIXES.some((prefix) => model.startsWith(prefix));
  return older ? OLDER : NEWER;
}
