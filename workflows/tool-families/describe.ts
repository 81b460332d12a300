/**
 * Words a person reads on a phone for a tool call ("left click at (412, 300)"). The input is the
 * model's, unvalidated at this point, so every field is read defensively; validation and refusal
 * happen in the activity that executes the call.
 */

/** The call's input as a record of fields, whatever the model sent. */
export function fieldsOf(input: unknown): Record<string, unknown> {
  return (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
}

/** A value as short text, cut at `limit` characters. */
export function shortText(value: unknown, limit = 40): string {
  const raw = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return raw.length > limit ? `${raw.slice(0, limit)}…` : raw;
}

function at(value: unknown): string {
  return Array.isArray(value) && value.length === 2 ? ` at (${String(value[0])}, ${String(value[1])})` : '';
}

/** A computer action, named by `action` (the older tools' field, or the toolset member's name). */
export function describeComputerAction(action: string, fields: Record<string, unknown>): string {
  switch (action) {
    case 'type':
      return `type ${typeof fields.text === 'string' ? fields.text.length : 0} characters`;
    case 'key': {
      const times = typeof fields.repeat === 'number' && fields.repeat > 1 ? ` ${fields.repeat} times` : '';
      return `press ${shortText(fields.text)}${times}`;
    }
    case 'hold_key':
      return `hold ${shortText(fields.text)} for ${String(fields.duration)} s`;
    case 'scroll':
      return `scroll ${String(fields.scroll_direction)} by ${String(fields.scroll_amount)}${at(fields.coordinate)}`;
    case 'left_click_drag':
      return `drag from${at(fields.start_coordinate)} to${at(fields.coordinate)}`;
    case 'wait':
      return `wait ${String(fields.duration)} s`;
    case 'zoom':
      return `zoom into ${shortText(fields.region)}`;
    default:
      return `${action.replace(/_/g, ' ')}${at(fields.coordinate)}`;
  }
}

/** A call of the text editor or the file manager. */
export function describeFileCall(tool: 'editor' | 'manager', fields: Record<string, unknown>): string {
  if (tool === 'editor') return `${String(fields.command ?? 'edit')} ${shortText(fields.path, 80)}`;
  const op = typeof fields.op === 'string' ? fields.op.replace(/_/g, ' ') : 'file operation';
  if (fields.from !== undefined) return `${op} ${shortText(fields.from, 60)} to ${shortText(fields.to, 60)}`;
  const target = fields.path ?? fields.trash_id ?? fields.name ?? fields.content;
  return target === undefined ? op : `${op} ${shortText(target, 80)}`;
}
