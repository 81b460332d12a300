import type { BetaTool, BetaToolComputerUse20251124, BetaToolTextEditor20250728, BetaToolUnion } from '@anthropic-ai/sdk/resources/beta/messages';
import { COMPUTER_TOOL_VERSIONS, isComputerToolVersion, speaksToolsets, type KnownModel } from './messages-model-table.js';
import { invalid, isRecord, type Json, type Loose, type Refusal } from './messages-refusal.js';
import { checkToolsetEntry, isToolsetType, TOOLSETS } from './messages-toolset-rules.js';

type ToolType = NonNullable<BetaToolUnion['type']>;

/**
 * Every versioned tool type the API knows, with the name it must be given (toolsets and the MCP
 * toolset carry none). Typed against the SDK so a misspelt type fails the typecheck.
 */
const VERSIONED_TOOLS: Partial<Record<ToolType, string | null>> = {
  computer_20241022: 'computer',
  computer_20250124: 'computer',
  computer_20251124: 'computer',
  computer_toolset_20260801: null,
  browser_toolset_20260801: null,
  text_editor_20241022: 'str_replace_editor',
  text_editor_20250124: 'str_replace_editor',
  text_editor_20250429: 'str_replace_based_edit_tool',
  text_editor_20250728: 'str_replace_based_edit_tool',
  bash_20241022: 'bash',
  bash_20250124: 'bash',
  memory_20250818: 'memory',
  code_execution_20250522: 'code_execution',
  code_execution_20250825: 'code_execution',
  code_execution_20260120: 'code_execution',
  code_execution_20260521: 'code_execution',
  web_search_20250305: 'web_search',
  web_search_20260209: 'web_search',
  web_search_20260318: 'web_search',
  web_fetch_20250910: 'web_fetch',
  web_fetch_20260209: 'web_fetch',
  web_fetch_20260309: 'web_fetch',
  web_fetch_20260318: 'web_fetch',
  advisor_20260301: 'advisor',
  tool_search_tool_bm25_20251119: 'tool_search_tool_bm25',
  tool_search_tool_regex_20251119: 'tool_search_tool_regex',
  mcp_toolset: null,
};

const CUSTOM_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function isPositiveInteger(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 1;
}

/** One tool entry on its own: a known type, the right name, and the fields its version takes. */
function checkEntry(path: string, entry: Json, type: string): Refusal | undefined {
  if (type === 'custom') {
    const tool = entry as Loose<BetaTool>;
    if (typeof tool.name !== 'string' || !CUSTOM_NAME.test(tool.name)) {
      return invalid(`${path}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
    }
    if (!isRecord(tool.input_schema)) return invalid(`${path}.custom.input_schema: Field required`);
    if (tool.input_schema.type !== 'object') return invalid(`${path}.custom.input_schema.type: Input should be 'object'`);
    return undefined;
  }
  if (!Object.hasOwn(VERSIONED_TOOLS, type)) return invalid(`${path}.type: unknown tool type '${type}'`);
  if (isToolsetType(type)) return checkToolsetEntry(path, type, entry);
  const name = VERSIONED_TOOLS[type as ToolType];
  if (name && entry.name !== name) return invalid(`${path}.${type}.name: Input should be '${name}'`);
  if (isComputerToolVersion(type)) {
    const tool = entry as Loose<BetaToolComputerUse20251124>;
    if (!isPositiveInteger(tool.display_width_px)) return invalid(`${path}.${type}.display_width_px: Input should be an integer of at least 1`);
    if (!isPositiveInteger(tool.display_height_px)) return invalid(`${path}.${type}.display_height_px: Input should be an integer of at least 1`);
    if (tool.enable_zoom !== undefined && type !== 'computer_20251124') return invalid(`${path}.${type}.enable_zoom: Extra inputs are not permitted`);
  }
  if (type === 'text_editor_20250728') {
    const maxCharacters = (entry as Loose<BetaToolTextEditor20250728>).max_characters;
    if (maxCharacters !== undefined && maxCharacters !== null && !isPositiveInteger(maxCharacters)) {
      return invalid(`${path}.${type}.max_characters: Input should be an integer of at least 1`);
    }
  }
  return undefined;
}

/** Whether the model speaks a tool version: toolsets for toolset models, computer versions per table. */
function modelSpeaks(model: KnownModel, type: string): boolean {
  if (isToolsetType(type)) return speaksToolsets(model);
  if (isComputerToolVersion(type)) return COMPUTER_TOOL_VERSIONS[type].models.has(model);
  return true;
}

/**
 * The `tools` of a request, as the real API judges them for `model`: each entry well-formed; no
 * tool version the model does not speak (`'<model>' does not support tool types: …`); the beta
 * header a single-tool computer version needs; unique names; and a toolset sharing the request
 * with no other tool of its family.
 */
export function checkTools(model: string, known: KnownModel, tools: unknown, betas: ReadonlySet<string>): Refusal | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return invalid('tools: Input should be a valid list');
  const types: string[] = [];
  for (const [index, entry] of tools.entries()) {
    if (!isRecord(entry)) return invalid(`tools.${index}: Input should be an object`);
    const type = entry.type === undefined || entry.type === null ? 'custom' : entry.type;
    if (typeof type !== 'string') return invalid(`tools.${index}.type: Input should be a valid string`);
    const refusal = checkEntry(`tools.${index}`, entry, type);
    if (refusal) return refusal;
    types.push(type);
  }

  const unsupported = [...new Set(types.filter((type) => !modelSpeaks(known, type)))];
  if (unsupported.length > 0) return invalid(`'${model}' does not support tool types: ${unsupported.join(', ')}`);

  const names = new Set<string>();
  for (const entry of tools as Json[]) {
    if (typeof entry.name !== 'string') continue;
    if (names.has(entry.name)) return invalid(`tools: Tool names must be unique. Found '${entry.name}' more than once.`);
    names.add(entry.name);
  }
  for (const [type, { family }] of Object.entries(TOOLSETS)) {
    const count = types.filter((candidate) => candidate === type).length;
    if (count > 1) return invalid(`tools: ${type} may appear only once`);
    if (count === 0) continue;
    const single = family === 'computer' ? types.find(isComputerToolVersion) : undefined;
    if (single) return invalid(`tools: ${type} cannot share a request with ${single}`);
    if (family === 'computer' && names.has(family)) return invalid(`tools: ${type} cannot share a request with another tool named '${family}'`);
  }
  for (const type of types.filter(isComputerToolVersion)) {
    const { beta } = COMPUTER_TOOL_VERSIONS[type];
    if (!betas.has(beta)) return invalid(`tools: ${type} requires the beta header 'anthropic-beta: ${beta}'`);
  }
  return undefined;
}
