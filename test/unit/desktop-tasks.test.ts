import { describe, expect, it } from 'vitest';
import type { TaskList, TaskListQuery, TaskSummary } from '../../common/api-schemas.js';
import { desktopTasks } from '../../gateway/desktop-tasks.js';

const task = (id: string, desktopId: string, status: TaskSummary['status']): TaskSummary => ({ id, prompt: id, desktopId, status, createdAt: '2026-03-01T09:00:00.000Z' });

/** A task list of `pages`, recording what was asked of it. */
function listOf(pages: TaskSummary[][]): { list: (query: TaskListQuery) => Promise<TaskList>; asked: TaskListQuery[] } {
  const asked: TaskListQuery[] = [];
  return {
    asked,
    list: async (query) => {
      asked.push(query);
      const index = query.cursor === undefined ? 0 : Number(query.cursor);
      return { tasks: pages[index]!, ...(index + 1 < pages.length ? { nextCursor: String(index + 1) } : {}) };
    },
  };
}

describe("one desktop's tasks for the setup page", () => {
  it("keeps this desktop's unfinished tasks and its latest ended ones, leaving other desktops' out", async () => {
    const { list } = listOf([
      [task('a', 'mine', 'running'), task('b', 'theirs', 'running'), task('c', 'mine', 'needs_approval'), task('d', 'mine', 'succeeded')],
      [task('e', 'theirs', 'failed'), task('f', 'mine', 'cancelled'), task('d', 'mine', 'failed')],
    ]);
    const tasks = await desktopTasks(list, 'mine');
    expect(tasks.map((each) => `${each.id}:${each.status}`)).toEqual(['a:running', 'c:needs_approval', 'd:succeeded', 'f:cancelled']);
  });

  it('reads no further page once it has enough ended tasks, and at most maxPages', async () => {
    const ended = Array.from({ length: 12 }, (_, index) => task(`t${index}`, 'mine', 'succeeded'));
    const enough = listOf([ended.slice(0, 6), ended.slice(6), [task('later', 'mine', 'failed')]]);
    const tasks = await desktopTasks(enough.list, 'mine', { recent: 10 });
    expect(tasks.map((each) => each.id)).toEqual(ended.slice(0, 10).map((each) => each.id));
    expect(enough.asked).toEqual([{ limit: 50 }, { limit: 50, cursor: '1' }]);

    const sparse = listOf(Array.from({ length: 9 }, (_, index) => [task(`o${index}`, 'theirs', 'succeeded')]));
    expect(await desktopTasks(sparse.list, 'mine', { maxPages: 3 })).toEqual([]);
    expect(sparse.asked).toHaveLength(3);
  });

  it('passes on a failure to read the list, for the page to report', async () => {
    await expect(desktopTasks(async () => Promise.reject(new Error('14 UNAVAILABLE')), 'mine')).rejects.toThrow('14 UNAVAILABLE');
  });
});
