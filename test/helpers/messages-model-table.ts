/**
 * The fake Messages API's own table of what the real API serves (late 2026): which models exist,
 * which computer-use tool versions each one speaks, and how large an image each one takes. It is
 * written from the published documentation on purpose and shares nothing with the product's
 * tables, so a product table that drifts from the API shows up as a refused request in the tests.
 */

/** Every model id the fake serves; any other id is a 404, as the real API answers it. */
export const KNOWN_MODELS = [
  'claude-opus-4-0',
  'claude-opus-4-1',
  'claude-sonnet-4-0',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-5',
  'claude-opus-4-6',
  'claude-opus-4-7',
  'claude-sonnet-4-6',
  'claude-opus-4-8',
  'claude-sonnet-5',
  'claude-opus-5',
  'claude-fable-5',
  'claude-fable-5-1',
  'claude-mythos-5',
  'claude-mythos-5-1',
  'claude-sonnet-5-5',
  'claude-opus-5-5',
  'claude-haiku-5-5',
] as const;

export type KnownModel = (typeof KNOWN_MODELS)[number];

const KNOWN: ReadonlySet<string> = new Set(KNOWN_MODELS);

/** The known model an id names: the id itself, or a known id followed by a `-YYYYMMDD` snapshot date. */
export function resolveModel(id: string): KnownModel | undefined {
  const undated = id.replace(/-\d{8}$/, '');
  return KNOWN.has(undated) ? (undated as KnownModel) : undefined;
}

/** Models that speak `computer_toolset_20260801` and `browser_toolset_20260801`, no beta header needed. */
const TOOLSET_MODELS: ReadonlySet<KnownModel> = new Set<KnownModel>([
  'claude-opus-4-8',
  'claude-sonnet-5',
  'claude-opus-5',
  'claude-fable-5',
  'claude-fable-5-1',
  'claude-mythos-5',
  'claude-mythos-5-1',
  'claude-sonnet-5-5',
  'claude-opus-5-5',
  'claude-haiku-5-5',
]);

/** Whether a model takes the computer and browser toolsets (and the larger image limit). */
export function speaksToolsets(model: KnownModel): boolean {
  return TOOLSET_MODELS.has(model);
}

/** The single-tool computer versions, the beta each needs, and the models that speak it. */
export const COMPUTER_TOOL_VERSIONS = {
  computer_20251124: {
    beta: 'computer-use-2025-11-24',
    // The 5.5 family accepts only the toolset on the Claude API.
    models: new Set<KnownModel>([
      'claude-opus-4-5',
      'claude-opus-4-6',
      'claude-opus-4-7',
      'claude-sonnet-4-6',
      'claude-opus-4-8',
      'claude-sonnet-5',
      'claude-opus-5',
      'claude-fable-5',
      'claude-fable-5-1',
      'claude-mythos-5',
      'claude-mythos-5-1',
    ]),
  },
  computer_20250124: {
    beta: 'computer-use-2025-01-24',
    models: new Set<KnownModel>(['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-sonnet-4-0', 'claude-opus-4-0']),
  },
  // Claude 3.5 Sonnet's version: known to the API, spoken by no model it still serves.
  computer_20241022: { beta: 'computer-use-2024-10-22', models: new Set<KnownModel>() },
} as const;

export type ComputerToolVersion = keyof typeof COMPUTER_TOOL_VERSIONS;

/** Whether a tool type is one of the single-tool computer versions (which need a beta header). */
export function isComputerToolVersion(type: string): type is ComputerToolVersion {
  return Object.hasOwn(COMPUTER_TOOL_VERSIONS, type);
}

/** The largest image a model takes, in the published numbers: long edge, and square patches of 28 px. */
export interface ModelImageLimit {
  maxLongEdge: number;
  maxPatches: number;
}

const PATCH = 28;
const HIGH_RESOLUTION: ModelImageLimit = { maxLongEdge: 2576, maxPatches: 4784 };
const STANDARD: ModelImageLimit = { maxLongEdge: 1568, maxPatches: 1568 };

/** Opus 4.7 and every toolset model see up to 2576 px and 4784 patches; earlier models 1568 and 1568. */
export function imageLimitFor(model: KnownModel): ModelImageLimit {
  return model === 'claude-opus-4-7' || speaksToolsets(model) ? HIGH_RESOLUTION : STANDARD;
}

/** How many 28×28 patches the API counts for an image of this size. */
export function patchesOf(width: number, height: number): number {
  return Math.ceil(width / PATCH) * Math.ceil(height / PATCH);
}
