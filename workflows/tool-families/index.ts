import type { ToolCall, ToolResultRecord } from '../../common/contract.js';
import { askUserFamily } from './ask-user.js';
import { browserFamily } from './browser.js';
import { computerFamily } from './computer.js';
import { filesFamily } from './files.js';
import { mcpFamily } from './mcp.js';
import type { ToolFamily } from './tool-family.js';

export type { ToolFamily, ToolRunContext } from './tool-family.js';

/** Every family the agent loop routes calls to. A new family is one module and one line here. */
export const TOOL_FAMILIES: readonly ToolFamily[] = [computerFamily, browserFamily, filesFamily, askUserFamily, mcpFamily];

/** The family that answers a call, or undefined for a tool nobody offered. */
export function familyFor(call: ToolCall): ToolFamily | undefined {
  return TOOL_FAMILIES.find((family) => family.owns(call));
}

/** The answer to a call no family owns: the model made up a tool, and is told so. */
export function unknownToolResult(call: ToolCall): ToolResultRecord {
  const what = call.toolsetName === undefined ? `tool named "${call.name}"` : `member "${call.name}" in a toolset named "${call.toolsetName}"`;
  return { toolUseId: call.id, isError: true, text: `There is no ${what}. Use only the tools you were given.` };
}
