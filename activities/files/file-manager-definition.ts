import { z } from 'zod';
import { ToolName } from '../../common/contract.js';

/**
 * What the model is told about `file_manager`: its name, its input schema (zod, the one source of
 * the shape; the JSON schema sent to the API is derived from it) and its description.
 */

export const FILE_MANAGER_TOOL_NAME = ToolName.fileManager;
const TRASH_ID = /^[0-9A-Za-z_-]{1,100}$/;

const somePath = z.string().describe('Absolute path, or relative to the first granted folder.');

/** The model's input: one variant per operation, told apart by `op`. */
export const fileManagerInputSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('list'),
    path: somePath,
    recursive: z.boolean().optional().describe('list: include everything below, not only direct children.'),
  }),
  z.object({ op: z.literal('stat'), path: somePath }),
  z
    .object({
      op: z.literal('search'),
      path: somePath.optional(),
      name: z.string().min(1).optional().describe('search: part of a file or folder name (no wildcards).'),
      content: z.string().min(1).optional().describe('search: text that a file contains.'),
    })
    .refine((input) => input.name !== undefined || input.content !== undefined, {
      message: 'search needs name, content or both',
    }),
  z.object({ op: z.literal('move'), from: somePath, to: z.string().describe('The full new path, not a folder to drop into.') }),
  z.object({ op: z.literal('copy'), from: somePath, to: z.string().describe('The full new path, not a folder to drop into.') }),
  z.object({ op: z.literal('mkdir'), path: somePath }),
  z.object({ op: z.literal('trash'), path: somePath }),
  z.object({
    op: z.literal('restore'),
    trash_id: z.string().regex(TRASH_ID, 'trash_id is the id that trash or list_trash reported').describe('restore: the id from trash or list_trash.'),
    to: z.string().optional(),
  }),
  z.object({ op: z.literal('list_trash') }),
]);
/** A validated `file_manager` call. */
export type FileManagerInput = z.infer<typeof fileManagerInputSchema>;

/** The tool's description for the model: every operation and its rules, in a few sentences. */
export const FILE_MANAGER_DESCRIPTION = [
  'Manage files and folders inside the folders the user granted, instead of using a file manager on screen.',
  'Paths are absolute, or relative to the first granted folder. Operations (op):',
  'list {path, recursive?} lists a folder; stat {path} describes one item;',
  'search {path?, name?, content?} finds files by name part and/or contained text (case-insensitive);',
  'move {from, to} and copy {from, to} take the full new path and never overwrite;',
  'mkdir {path} creates a folder and its parents;',
  'trash {path} moves an item to the trash (nothing is ever deleted) and returns a trash id;',
  'restore {trash_id, to?} puts it back at its original path (or `to`), refusing to overwrite;',
  'list_trash {} shows what is in the trash.',
].join(' ');

/** The custom tool for the Messages API, with input_schema generated from the zod schema. */
export const fileManagerToolDefinition = {
  name: FILE_MANAGER_TOOL_NAME,
  description: FILE_MANAGER_DESCRIPTION,
  input_schema: flattenUnionSchema(fileManagerInputSchema, 'op'),
};

type JsonSchema = Record<string, unknown>;

/**
 * The Messages API refuses `oneOf`/`anyOf` at the top of an input_schema, so the union becomes one
 * object: the discriminator as an enum, every other property once, noting which ops use it. The
 * zod schema still enforces each op's own required fields.
 */
function flattenUnionSchema(schema: z.ZodType, discriminator: string) {
  const json = z.toJSONSchema(schema) as { oneOf?: JsonSchema[]; anyOf?: JsonSchema[] };
  const variants = (json.oneOf ?? json.anyOf ?? []) as Array<{ properties: Record<string, JsonSchema>; required?: string[] }>;
  const values: string[] = [];
  const properties: Record<string, JsonSchema> = {};
  const usedBy: Record<string, string[]> = {};
  for (const variant of variants) {
    const value = String(variant.properties[discriminator]?.const);
    values.push(value);
    for (const [key, property] of Object.entries(variant.properties)) {
      if (key === discriminator) continue;
      properties[key] ??= property;
      (usedBy[key] ??= []).push(variant.required?.includes(key) ? value : `${value} (optional)`);
    }
  }
  for (const [key, property] of Object.entries(properties)) {
    const own = typeof property.description === 'string' ? `${property.description} ` : '';
    properties[key] = { ...property, description: `${own}Used by: ${usedBy[key]?.join(', ')}.` };
  }
  return {
    type: 'object' as const,
    properties: { [discriminator]: { type: 'string', enum: values, description: 'The operation.' }, ...properties },
    required: [discriminator],
    additionalProperties: false,
  };
}

