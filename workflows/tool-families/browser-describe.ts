import { shortText } from './describe.js';

type Fields = Record<string, unknown>;

/** `[ref_12]` or `(412, 300)`: where a browser action lands, read defensively. */
function where(target: unknown): string {
  const fields = (typeof target === 'object' && target !== null ? target : {}) as Fields;
  if (fields.type === 'ref') return ` [${shortText(fields.ref, 20)}]`;
  if (fields.type === 'coordinate') return ` at (${String(fields.x)}, ${String(fields.y)})`;
  return '';
}

function inTab(fields: Fields): string {
  return typeof fields.tab_id === 'string' && fields.tab_id !== '' ? ` in ${shortText(fields.tab_id, 20)}` : '';
}

const CLICKS: Record<string, string> = {
  left_click: 'click',
  right_click: 'right click',
  middle_click: 'middle click',
  double_click: 'double click',
  triple_click: 'triple click',
  hover: 'hover',
};

/**
 * A browser toolset call as a person reads it on the phone: "open https://…", "read the page",
 * "click [ref_12]", "type 23 characters". Values typed into a page are never shown, only counted:
 * they may be passwords.
 */
export function describeBrowserCall(member: string, fields: Fields): string {
  const tab = inTab(fields);
  switch (member) {
    case 'navigate': {
      const url = typeof fields.url === 'string' ? fields.url.trim() : '';
      if (url === 'back' || url === 'forward') return `go ${url}${tab}`;
      if (url === 'reload') return `reload the page${tab}`;
      return `open ${shortText(url, 80)}${tab}`;
    }
    case 'read_page':
      return `read the page${fields.filter === 'interactive' ? "'s controls" : ''}${tab}`;
    case 'find':
      return `find ${shortText(fields.query, 60)}${tab}`;
    case 'get_page_text':
      return `read the page's text${tab}`;
    case 'form_input':
      return `fill in${where(fields.target)}${tab}`;
    case 'left_click_drag':
      return `drag from${where(fields.from)} to${where(fields.target)}${tab}`;
    case 'left_mouse_down':
    case 'left_mouse_up':
      return `${member === 'left_mouse_down' ? 'press' : 'release'} the mouse button${where(fields.target)}${tab}`;
    case 'mouse_move':
      return `move the mouse${where(fields.target)}${tab}`;
    case 'scroll':
      return `scroll ${String(fields.scroll_direction ?? '')}${where(fields.target)}${tab}`;
    case 'scroll_to':
      return `scroll to${where(fields.target)}${tab}`;
    case 'type':
      return `type ${typeof fields.text === 'string' ? fields.text.length : 0} characters${tab}`;
    case 'key':
      return `press ${shortText(fields.text)}${typeof fields.repeat === 'number' && fields.repeat > 1 ? ` ${fields.repeat} times` : ''}${tab}`;
    case 'hold_key':
      return `hold ${shortText(fields.text)} for ${String(fields.duration)} s${tab}`;
    case 'wait':
      return `wait ${String(fields.duration)} s`;
    case 'screenshot':
      return `look at the page${tab}`;
    case 'zoom':
      return `zoom into the page${tab}`;
    case 'new_tab':
      return 'open a new tab';
    case 'list_tabs':
      return 'list the tabs';
    case 'switch_tab':
      return `switch to ${shortText(fields.tab_id, 20)}`;
    case 'close_tab':
      return `close ${shortText(fields.tab_id, 20)}`;
    case 'read_console':
      return `read the page's console${tab}`;
    case 'read_network':
      return `read the page's network log${tab}`;
    default:
      return CLICKS[member] !== undefined ? `${CLICKS[member]}${where(fields.target)}${tab}` : `${member.replace(/_/g, ' ')} in the browser`;
  }
}
