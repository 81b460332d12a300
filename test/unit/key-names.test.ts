import { describe, expect, it } from 'vitest';
import { KEY_NAMES, KeyNameError, parseKeyChord, parseKeySequence } from '../../activities/input/key-names.js';

describe('key names the model sends', () => {
  it.each([
    ['ctrl+s', ['Control_L', 's']],
    ['Return', ['Return']],
    ['return', ['Return']],
    ['Enter', ['Return']],
    ['KP_Enter', ['KP_Enter']],
    ['Page_Down', ['Page_Down']],
    ['pagedown', ['Page_Down']],
    ['shift+Tab', ['Shift_L', 'Tab']],
    ['alt+F4', ['Alt_L', 'F4']],
    ['ctrl+shift+t', ['Control_L', 'Shift_L', 't']],
    ['space', ['space']],
    ['BackSpace', ['BackSpace']],
    ['Escape', ['Escape']],
    ['esc', ['Escape']],
    ['a', ['a']],
    ['1', ['1']],
    ['F12', ['F12']],
    ['Up', ['Up']],
    ['minus', ['minus']],
    ['period', ['period']],
    ['ctrl+/', ['Control_L', 'slash']],
  ])('"%s" presses %j', (text, keys) => {
    expect(parseKeyChord(text)).toEqual(keys);
  });

  it.each(['super', 'cmd', 'meta', 'win', 'Super_L', 'command'])('"%s" is the Super (logo) key', (text) => {
    expect(parseKeyChord(text)).toEqual(['Super_L']);
  });

  it.each([
    ['A', ['Shift_L', 'a']],
    ['plus', ['Shift_L', 'equal']],
    ['+', ['Shift_L', 'equal']],
    ['ctrl++', ['Control_L', 'Shift_L', 'equal']],
    ['ctrl+plus', ['Control_L', 'Shift_L', 'equal']],
    ['exclam', ['Shift_L', '1']],
    ['question', ['Shift_L', 'slash']],
    ['underscore', ['Shift_L', 'minus']],
    ['shift+A', ['Shift_L', 'a']],
    ['ctrl+T', ['Control_L', 'Shift_L', 't']],
    ['@', ['Shift_L', '2']],
  ])('"%s" needs shift on a US keyboard: %j', (text, keys) => {
    expect(parseKeyChord(text)).toEqual(keys);
  });

  it('a space-separated sequence presses each chord in turn, as xdotool does', () => {
    expect(parseKeySequence('ctrl+a Delete')).toEqual([['Control_L', 'a'], ['Delete']]);
  });

  it('every canonical name parses to itself', () => {
    for (const name of KEY_NAMES) expect(parseKeyChord(name)).toEqual([name]);
  });

  it('an unknown name is rejected with examples of valid names and a close match', () => {
    expect(() => parseKeyChord('ctrl+Retrun')).toThrow(KeyNameError);
    expect(() => parseKeyChord('ctrl+Retrun')).toThrow(/Unknown key name "Retrun".*"return".*ctrl\+s.*type action/s);
  });

  it.each(['ctrl+', 'é', 'ctrl+日', 'Hyper_Q', 'F25', '', '   '])('"%s" is rejected', (text) => {
    expect(() => parseKeySequence(text)).toThrow(KeyNameError);
  });

  it('a non-keyboard character points the model at the type action', () => {
    expect(() => parseKeyChord('é')).toThrow(/use the type action/);
  });
});
