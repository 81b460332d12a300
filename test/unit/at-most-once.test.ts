import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { atMostOnce, INTERRUPTED_ACTION_TEXT } from '../../activities/input/at-most-once.js';
import { createToolCallJournal } from '../../activities/store/tool-call-journal.js';

const geometry = { logical: { width: 100, height: 100 }, image: { width: 100, height: 100 } };
const call = { taskId: 'task-1', toolUseId: 'toolu_1', input: { action: 'left_click', coordinate: [1, 1] }, geometry, toolVersion: 'computer_20250124' as const };

describe('a desktop action runs at most once per tool call', () => {
  it('runs it once and returns the first result when Temporal runs the call again', async () => {
    const journal = createToolCallJournal(await mkdtemp(path.join(os.tmpdir(), 'journal-')));
    let clicks = 0;
    const perform = atMostOnce(async () => ({ toolUseId: 'toolu_1', isError: false, text: `click ${++clicks}` }), journal);
    expect(await perform(call)).toEqual({ toolUseId: 'toolu_1', isError: false, text: 'click 1' });
    expect(await perform(call)).toEqual({ toolUseId: 'toolu_1', isError: false, text: 'click 1' });
    expect(clicks).toBe(1);
    await perform({ ...call, toolUseId: 'toolu_2' });
    expect(clicks).toBe(2);
  });

  it('does not repeat an action whose first run died mid-way; it tells the model to look again', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'journal-'));
    const dying = atMostOnce(async () => {
      throw new Error('worker lost the display');
    }, createToolCallJournal(directory));
    await expect(dying(call)).rejects.toThrow('worker lost the display');

    let clicks = 0;
    let releases = 0;
    const afterRestart = atMostOnce(
      async () => ({ toolUseId: 'toolu_1', isError: false, text: `click ${++clicks}` }),
      createToolCallJournal(directory),
      async () => void releases++,
    );
    expect(await afterRestart(call)).toEqual({ toolUseId: 'toolu_1', isError: true, text: INTERRUPTED_ACTION_TEXT });
    expect(clicks).toBe(0);
    // Whatever the interrupted attempt held down is let go before the model hears about it.
    expect(releases).toBe(1);
  });
});
