import type {
  BetaBrowserMemberName,
  BetaBrowserToolset20260801,
  BetaComputerMemberName,
  BetaComputerToolset20260801,
  BetaComputerScreenshotConfig,
  BetaToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/beta/messages';
import { invalid, isRecord, resultBlocksOf, type Json, type Loose, type Refusal } from './messages-refusal.js';

/** The 17 members of `computer_toolset_20260801`, as `configs` keys and as `tool_use` names. */
const COMPUTER_MEMBERS = [
  'screenshot', 'zoom', 'left_click', 'right_click', 'middle_click', 'double_click', 'triple_click', 'left_click_drag',
  'mouse_move', 'left_mouse_down', 'left_mouse_up', 'cursor_position', 'scroll', 'type', 'key', 'hold_key', 'wait',
] as const satisfies readonly BetaComputerMemberName[];

/** The 31 members of `browser_toolset_20260801`. */
const BROWSER_MEMBERS = [
  'navigate', 'read_page', 'find', 'get_page_text', 'form_input', 'left_click', 'right_click', 'middle_click',
  'double_click', 'triple_click', 'hover', 'left_click_drag', 'left_mouse_down', 'left_mouse_up', 'mouse_move', 'scroll',
  'scroll_to', 'type', 'key', 'hold_key', 'wait', 'screenshot', 'zoom', 'new_tab', 'list_tabs', 'switch_tab',
  'close_tab', 'read_console', 'read_network', 'javascript_exec', 'file_upload',
] as const satisfies readonly BetaBrowserMemberName[];

// Compile-time: a member the SDK knows but this table lacks fails the typecheck here.
type Missing = Exclude<BetaComputerMemberName, (typeof COMPUTER_MEMBERS)[number]> | Exclude<BetaBrowserMemberName, (typeof BROWSER_MEMBERS)[number]>;
const tableIsComplete: [Missing] extends [never] ? true : Missing = true;
void tableIsComplete;

/** The toolset versions the fake knows. */
export type ToolsetType = 'computer_toolset_20260801' | 'browser_toolset_20260801';

/** Each toolset version, the family its calls carry as `toolset_name`, and its members. */
export const TOOLSETS: Record<ToolsetType, { family: 'computer' | 'browser'; members: ReadonlySet<string> }> = {
  computer_toolset_20260801: { family: 'computer', members: new Set(COMPUTER_MEMBERS) },
  browser_toolset_20260801: { family: 'browser', members: new Set(BROWSER_MEMBERS) },
};

/** Whether a tool type declares a whole toolset rather than one tool. */
export function isToolsetType(type: string): type is ToolsetType {
  return Object.hasOwn(TOOLSETS, type);
}

const ENTRY_KEYS = new Set<string>(['type', 'configs', 'cache_control'] satisfies Array<keyof (BetaComputerToolset20260801 | BetaBrowserToolset20260801)>);
const CONFIG_KEYS = new Set<string>(['enabled', 'defer_loading'] satisfies Array<keyof BetaComputerScreenshotConfig>);

/**
 * A toolset entry carries only `type`, `configs` and `cache_control`: the single-tool options
 * (`name`, display size, `display_number`, `enable_zoom`) are rejected, and `configs` is keyed by
 * the family's members, each `{enabled?, defer_loading?}` of booleans.
 */
export function checkToolsetEntry(path: string, type: ToolsetType, entry: Json): Refusal | undefined {
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.has(key)) return invalid(`${path}.${type}.${key}: Extra inputs are not permitted (a toolset entry carries only type, configs and cache_control)`);
  }
  const configs = (entry as Loose<BetaComputerToolset20260801>).configs;
  if (configs === undefined || configs === null) return undefined;
  if (!isRecord(configs)) return invalid(`${path}.${type}.configs: Input should be an object`);
  for (const [member, config] of Object.entries(configs)) {
    const where = `${path}.${type}.configs.${member}`;
    if (!TOOLSETS[type].members.has(member)) return invalid(`${where}: Extra inputs are not permitted ('${member}' is not a member of ${type})`);
    if (config === null) continue;
    if (!isRecord(config)) return invalid(`${where}: Input should be an object`);
    for (const [key, value] of Object.entries(config)) {
      if (!CONFIG_KEYS.has(key)) return invalid(`${where}.${key}: Extra inputs are not permitted`);
      if (value !== null && typeof value !== 'boolean') return invalid(`${where}.${key}: Input should be a valid boolean`);
    }
  }
  return undefined;
}

/** What a toolset member's result may hold: text and images, and for the browser its state block. */
const RESULT_BLOCKS: Record<'computer' | 'browser', ReadonlySet<string>> = {
  computer: new Set(['text', 'image']),
  browser: new Set(['text', 'image', 'browser_state']),
};

/**
 * A `tool_result` answering a toolset member: it carries the same `toolset_name` as the call,
 * holds only the blocks a toolset result may hold, and when `is_error` only text (the SDK drops
 * an error's images for this reason: the API answers them with a 400).
 */
export function checkToolsetResult(path: string, family: string, block: Json): Refusal | undefined {
  const result = block as Loose<BetaToolResultBlockParam>;
  if (result.toolset_name !== family) {
    return invalid(`${path}: tool_result for a toolset member must carry toolset_name '${family}' (found ${JSON.stringify(result.toolset_name ?? null)})`);
  }
  const allowed = RESULT_BLOCKS[family as 'computer' | 'browser'] ?? RESULT_BLOCKS.computer;
  for (const [index, inner] of resultBlocksOf(block).entries()) {
    const type = String(inner.type);
    if (!allowed.has(type)) return invalid(`${path}.content.${index}: a ${family} toolset result may hold only ${[...allowed].join(', ')} blocks, not ${type}`);
    if (result.is_error === true && type !== 'text') return invalid(`${path}.content.${index}: an is_error toolset result may hold only text blocks, not ${type}`);
  }
  return undefined;
}
