/**
 * Describes a tool call in words a person reads on a phone ("click at (412, 300)"). The input is
 * the model's, unvalidated at this point, so every field is read defensively; validation and
 * refusal happen in the activity that executes the call.
 */
export function describeToolUse(name: string, input: unknown): string {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const text = (value: unknown, limit = 40): string => {
    const raw = typeof value === 'string' ? value : JSON.stringify(value ?? '');
    return raw.length > limit ? `${raw.slice(0, limit)}…` : raw;
  };
  const at = (value: unknown): string =>
    Array.isArray(value) && value.length === 2 ? ` at (${String(value[0])}, ${String(value[1])})` : '';

  if (name === 'computer') {
    const action = typeof fields.action === 'string' ? fields.action : 'unknown action';
    switch (action) {
      case 'type':
        return `type ${typeof fields.text === 'string' ? fields.text.length : 0} characters`;
      case 'key':
        return `press ${text(fields.text)}`;
      case 'hold_key':
        return `hold ${text(fields.text)} for ${String(fields.duration)} s`;
      case 'scroll':
        return `scroll ${String(fields.scroll_direction)} by ${String(fields.scroll_amount)}${at(fields.coordinate)}`;
      case 'left_click_drag':
        return `drag from${at(fields.start_coordinate)} to${at(fields.coordinate)}`;
      case 'wait':
        return `wait ${String(fields.duration)} s`;
      case 'zoom':
        return `zoom into ${text(fields.region)}`;
      default:
        return `${action.replace(/_/g, ' ')}${at(fields.coordinate)}`;
    }
  }
  if (name === 'str_replace_based_edit_tool') return `${String(fields.command ?? 'edit')} ${text(fields.path, 80)}`;
  if (name === 'file_manager') {
    const op = typeof fields.op === 'string' ? fields.op.replace(/_/g, ' ') : 'file operation';
    if (fields.from !== undefined) return `${op} ${text(fields.from, 60)} to ${text(fields.to, 60)}`;
    const target = fields.path ?? fields.trash_id ?? fields.name ?? fields.content;
    return target === undefined ? op : `${op} ${text(target, 80)}`;
  }
  return `unknown tool ${text(name)}`;
}
