/**
 * The one table that decides how OpenDispatch talks to each Claude model: which computer-use
 * dialect it was trained on, whether it takes the browser toolset, and how large a screenshot it
 * reads without the API shrinking (or, for the toolsets, refusing) it. Every other module asks
 * this one; nothing else names model ids.
 *
 * Pure data and functions: workflows, activities, the gateway and the CLI all import it.
 */

/** The computer-use tool versions, newest first. */
export const COMPUTER_DIALECTS = ['computer_toolset_20260801', 'computer_20251124', 'computer_20250124'] as const;
export type ComputerDialect = (typeof COMPUTER_DIALECTS)[number];

/** The largest screenshot a model reads unscaled: long edge and number of 28×28 patches. */
export interface ImageRule {
  maxLongEdge: number;
  patchSize: number;
  maxPatches: number;
}

/** Opus 4.7 and every toolset model: up to 2576 px on the long edge and 4784 patches (~3.75 MP). */
export const LARGE_IMAGE_RULE: ImageRule = Object.freeze({ maxLongEdge: 2576, patchSize: 28, maxPatches: 4784 });
/** Earlier Claude 4 models: 1568 px and 1568 patches (~1.15 MP). */
export const STANDARD_IMAGE_RULE: ImageRule = Object.freeze({ maxLongEdge: 1568, patchSize: 28, maxPatches: 1568 });

/** Everything that differs between models, as the rest of the product needs it. */
export interface ModelProfile {
  dialect: ComputerDialect;
  /** The `anthropic-beta` flag the dialect needs; the toolsets are generally available and need none. */
  beta?: 'computer-use-2025-11-24' | 'computer-use-2025-01-24';
  /** Offered the browser toolset beside the computer one. */
  browser: boolean;
  images: ImageRule;
  /** The text editor tool version the model was trained on (`str_replace_based_edit_tool`). */
  textEditor: 'text_editor_20250728';
  /** Old screenshots must stay in the transcript (pruning them invalidates the model's thinking). */
  keepsOldScreenshots: boolean;
}

/** A model the desktop knows by name, as `GET /api/models` lists it. */
export interface KnownModel {
  id: string;
  label: string;
}

interface Row extends KnownModel {
  profile: ModelProfile;
}

const TOOLSET: ModelProfile = { dialect: 'computer_toolset_20260801', browser: true, images: LARGE_IMAGE_RULE, textEditor: 'text_editor_20250728', keepsOldScreenshots: false };
const TOOLSET_KEEPING_THINKING: ModelProfile = { ...TOOLSET, keepsOldScreenshots: true };
const NOVEMBER: ModelProfile = {
  dialect: 'computer_20251124',
  beta: 'computer-use-2025-11-24',
  browser: false,
  images: STANDARD_IMAGE_RULE,
  textEditor: 'text_editor_20250728',
  keepsOldScreenshots: false,
};
const NOVEMBER_LARGE: ModelProfile = { ...NOVEMBER, images: LARGE_IMAGE_RULE };
const JANUARY: ModelProfile = { ...NOVEMBER, dialect: 'computer_20250124', beta: 'computer-use-2025-01-24' };

/** Newest first; the order `GET /api/models` lists them in. An id matches a row by prefix (dated ids). */
const ROWS: readonly Row[] = [
  { id: 'claude-sonnet-5-5', label: 'Claude Sonnet 5.5', profile: TOOLSET },
  { id: 'claude-opus-5-5', label: 'Claude Opus 5.5', profile: TOOLSET_KEEPING_THINKING },
  { id: 'claude-haiku-5-5', label: 'Claude Haiku 5.5', profile: TOOLSET },
  { id: 'claude-fable-5-1', label: 'Claude Fable 5.1', profile: TOOLSET_KEEPING_THINKING },
  { id: 'claude-fable-5', label: 'Claude Fable 5', profile: TOOLSET },
  { id: 'claude-mythos-5-1', label: 'Claude Mythos 5.1', profile: TOOLSET },
  { id: 'claude-mythos-5', label: 'Claude Mythos 5', profile: TOOLSET },
  { id: 'claude-opus-5', label: 'Claude Opus 5', profile: TOOLSET },
  { id: 'claude-sonnet-5', label: 'Claude Sonnet 5', profile: TOOLSET },
  { id: 'claude-opus-4-8', label: 'Claude Opus 4.8', profile: TOOLSET },
  { id: 'claude-opus-4-7', label: 'Claude Opus 4.7', profile: NOVEMBER_LARGE },
  { id: 'claude-opus-4-6', label: 'Claude Opus 4.6', profile: NOVEMBER },
  { id: 'claude-sonnet-4-6', label: 'Claude Sonnet 4.6', profile: NOVEMBER },
  { id: 'claude-opus-4-5', label: 'Claude Opus 4.5', profile: NOVEMBER },
  { id: 'claude-sonnet-4-5', label: 'Claude Sonnet 4.5', profile: JANUARY },
  { id: 'claude-haiku-4-5', label: 'Claude Haiku 4.5', profile: JANUARY },
  { id: 'claude-opus-4-1', label: 'Claude Opus 4.1', profile: JANUARY },
  { id: 'claude-sonnet-4-0', label: 'Claude Sonnet 4', profile: JANUARY },
  { id: 'claude-sonnet-4', label: 'Claude Sonnet 4', profile: JANUARY },
  { id: 'claude-opus-4-0', label: 'Claude Opus 4', profile: JANUARY },
  { id: 'claude-opus-4', label: 'Claude Opus 4', profile: JANUARY },
];

/** The model a task uses when nobody picked one: the newest Sonnet that speaks the toolset. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** What a model id may look like (`claude-sonnet-5-5`, `claude-opus-4-1-20250805`); anything else is refused. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,99}$/i;

/** The models the desktop knows by name, newest first (aliases of one model listed once). */
export function knownModels(): KnownModel[] {
  const seen = new Set<string>();
  return ROWS.filter((row) => !seen.has(row.label) && seen.add(row.label)).map(({ id, label }) => ({ id, label }));
}

/**
 * The row an id belongs to: the longest row id that is the whole id or a prefix of it followed
 * by a dash (`claude-opus-4-1-20250805` → `claude-opus-4-1`, never `claude-opus-4`).
 */
function rowFor(model: string): Row | undefined {
  let best: Row | undefined;
  for (const row of ROWS) {
    if ((model === row.id || model.startsWith(`${row.id}-`)) && row.id.length > (best?.id.length ?? 0)) best = row;
  }
  return best;
}

/**
 * How to talk to `model`. Unknown ids are taken to be newer than this table and get the newest
 * dialect; `override` (DISPATCH_COMPUTER_TOOL) picks the dialect for a model the table gets wrong.
 */
export function modelProfile(model: string, override?: ComputerDialect): ModelProfile {
  const profile = rowFor(model)?.profile ?? TOOLSET;
  if (!override || override === profile.dialect) return profile;
  const forced = override === 'computer_toolset_20260801' ? TOOLSET : override === 'computer_20251124' ? NOVEMBER : JANUARY;
  return { ...forced, images: profile.images, keepsOldScreenshots: profile.keepsOldScreenshots };
}
