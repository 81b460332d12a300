import { describe, expect, it } from 'vitest';
import type { Desktop, TaskDetail, TaskStep, TaskSummary } from '../../common/api-schemas.js';
import { createApi } from '../../mobile-web/src/api.js';
import { linkState } from '../../mobile-web/src/connection-state.js';
import { desktopNameIfMany } from '../../mobile-web/src/desktop-names.js';
import { createdWhen, durationText } from '../../mobile-web/src/format.js';
import { clampView, pinchView, zoomAround } from '../../mobile-web/src/pinch-zoom.js';
import { screenshotProblem } from '../../mobile-web/src/screenshot-problem.js';
import { nowLine } from '../../mobile-web/src/task-now.js';
import { actionText, decisionsTaken, elapsedMs, groupSteps } from '../../mobile-web/src/task-timeline.js';

const task = (over: Partial<TaskDetail>): TaskDetail => ({
  id: 'task-1',
  prompt: 'Fill in the expense form',
  desktopId: 'pc',
  status: 'running',
  createdAt: '2026-01-01T10:00:00.000Z',
  steps: [],
  ...over,
});
const shot = '/api/tasks/task-1/screenshots/aa';
const click: TaskStep = {
  index: 1,
  at: '2026-01-01T10:00:12.000Z',
  description: 'left click at (364, 205)',
  narration: 'The form is open; the Amount field is top left.',
  point: { x: 480, y: 270 },
  screen: { width: 1920, height: 1080 },
  screenshotUrl: shot,
};
const typing: TaskStep = { index: 1, at: '2026-01-01T10:00:14.000Z', description: 'type 12 characters', typed: '42.50\n  EUR  ', screenshotUrl: shot };
const key: TaskStep = { index: 2, at: '2026-01-01T10:00:20.000Z', description: 'press Return' };

describe('the task page shows what the agent did, step by step', () => {
  it('groups the actions of one decision into one step, with its narration, time taken and clicks marked on its screenshot', () => {
    const [first, second] = groupSteps([key, typing, click], '2026-01-01T10:00:00.000Z');
    expect(first).toMatchObject({ index: 1, narration: click.narration, tookMs: 14_000, actions: [click, typing] });
    expect(first!.shots).toEqual([{ url: shot, aspect: 1920 / 1080, marks: [{ n: 1, x: 480.5 / 1920, y: 270.5 / 1080 }] }]);
    expect(second).toMatchObject({ index: 2, tookMs: 6_000, actions: [key], shots: [] });
  });

  it('says where a click landed in screen pixels and what was typed, or that typing is kept private', () => {
    expect(actionText(click)).toBe('Left click at (480, 270)');
    expect(actionText(typing)).toBe('Typed:');
    expect(actionText({ ...typing, typed: undefined })).toBe('Typed 12 characters (this desktop keeps typed text private)');
    expect(actionText({ ...typing, description: 'type 900 characters', typed: 'x'.repeat(500) })).toBe('Typed (the first 500 of 900 characters):');
  });

  it('counts steps as the CLI does: model decisions, including the one that wrote the result', () => {
    const finished = task({ status: 'succeeded', steps: [click, typing, key], stepsTaken: 3, finishedAt: '2026-01-01T10:02:14.000Z' });
    expect(decisionsTaken(finished)).toBe(3);
    expect(decisionsTaken({ ...finished, stepsTaken: undefined })).toBe(2);
    expect(durationText(elapsedMs(finished, Date.parse('2026-01-01T11:00:00Z')))).toBe('2 min 14 s');
    expect(elapsedMs(task({ steps: [click] }), Date.parse('2026-01-01T10:00:30Z'))).toBe(30_000);
  });
});

describe('the Now line names what a task waits for', () => {
  const holder: TaskSummary = { id: 'task-holder', prompt: 'Print the invoices', desktopId: 'pc', status: 'running', createdAt: '2026-01-01T09:00:00.000Z' };

  it('names the task a first-in-line task waits for, instead of "waiting for the desktop to pick it up"', () => {
    const line = nowLine(task({ status: 'queued', queuePosition: 1 }), { desktops: null, tasks: [holder] });
    expect(line).toEqual({ tone: 'waiting', text: 'Next in line. It starts when this task is done:', blocker: { id: 'task-holder', prompt: 'Print the invoices' } });
    expect(nowLine(task({ status: 'queued', queuePosition: 3 }), { desktops: null, tasks: [] })?.text).toBe('Waiting for 2 earlier tasks on your desktop to finish (#3 in line).');
  });

  it('names the task holding the screen, the desktop away since when, and the person', () => {
    const screen = nowLine(task({ currentStep: 'Waiting for the screen, held by task-holder' }), { desktops: null, tasks: [holder] });
    expect(screen).toMatchObject({ text: 'Waiting for the screen, in use by:', blocker: { id: 'task-holder', prompt: 'Print the invoices' } });
    const lastSeen = '2026-01-01T09:30:00.000Z';
    expect(nowLine(task({ status: 'waiting' }), { desktops: [{ id: 'pc', name: 'pc', running: 0, queued: 0, online: false, lastSeen }], tasks: [] })?.text).toContain(`away since ${createdWhen(lastSeen)}`);
    expect(nowLine(task({ status: 'needs_approval', approval: { id: 'a', tool: 'type', summary: 'type 3 characters', input: {} } }), { desktops: null, tasks: [] })).toMatchObject({ tone: 'you' });
    expect(nowLine(task({ currentStep: 'Thinking about the next step', stepsTaken: 4 }), { desktops: null, tasks: [] })?.text).toBe('Looking at the result and deciding what to do next (step 5)');
    expect(nowLine(task({ status: 'succeeded' }), { desktops: null, tasks: [] })).toBeUndefined();
  });

  it('names the desktop a task waits for when the phone knows more than one, and says "your desktop" when it knows one', () => {
    const lastSeen = '2026-01-01T09:30:00.000Z';
    const office: Desktop = { id: 'office-1', name: 'Office PC', online: false, running: 0, queued: 1, lastSeen };
    const laptop: Desktop = { id: 'laptop-1', name: 'Laptop', online: true, running: 0, queued: 0, current: true };
    const waiting = task({ status: 'waiting', desktopId: 'office-1' });
    expect(nowLine(waiting, { desktops: [laptop, office], tasks: [] })?.text).toBe(`Waiting for Office PC, away since ${createdWhen(lastSeen)}. It carries on when the desktop is back.`);
    expect(nowLine(waiting, { desktops: [office], tasks: [] })?.text).toBe(`Waiting for your desktop, away since ${createdWhen(lastSeen)}. It carries on when the desktop is back.`);
    expect(nowLine(task({ status: 'waiting', desktopId: 'old-pc' }), { desktops: [laptop, office], tasks: [] })?.text).toBe('Waiting for old-pc to come back online. It carries on when it is back.');
    expect(nowLine(task({ status: 'queued', desktopId: 'office-1', queuePosition: 2 }), { desktops: [laptop, office], tasks: [] })?.text).toBe('Waiting for 1 earlier task on Office PC to finish (#2 in line).');
  });
});

describe('one connection indicator tells the phone, the gateway and the desktop apart', () => {
  const online = { id: 'pc', name: 'pc', running: 0, queued: 0, online: true };
  it('puts the nearest cause first, so a stale "desktop online" never shows beside "offline"', () => {
    expect(linkState({ phoneOnline: false, connection: 'live', desktopsLoaded: true, desktop: online }).state).toBe('phone-offline');
    expect(linkState({ phoneOnline: true, connection: 'offline', desktopsLoaded: true, desktop: online })).toMatchObject({ state: 'unreachable' });
    expect(linkState({ phoneOnline: true, connection: 'live', desktopsLoaded: true, desktop: { id: 'pc', name: 'pc', running: 0, queued: 0, online: false, lastSeen: '2026-01-01T09:30:00.000Z' } }).text).toMatch(/^Desktop away since /);
    expect(linkState({ phoneOnline: true, connection: 'live', desktopsLoaded: true, desktop: online })).toEqual({ state: 'live', text: 'Desktop online' });
  });

  it('says a task\'s desktop is not among the listed ones, instead of "no desktop has connected yet"', () => {
    const live = { phoneOnline: true, connection: 'live' as const, desktopsLoaded: true, desktop: undefined };
    expect(linkState({ ...live, task: { desktopId: 'old-pc', status: 'succeeded' } })).toEqual({ state: 'unlisted', text: "This task's desktop (old-pc) is no longer among your desktops." });
    expect(linkState({ ...live, task: { desktopId: 'new-pc', status: 'queued' } })).toEqual({
      state: 'unlisted',
      text: "This task's desktop (new-pc) is not among your desktops. The task waits until it connects.",
    });
    expect(linkState({ ...live, phoneOnline: false, task: { desktopId: 'old-pc', status: 'queued' } }).state).toBe('phone-offline');
    expect(linkState({ ...live, connection: 'offline', task: { desktopId: 'old-pc', status: 'queued' } }).state).toBe('unreachable');
    expect(linkState({ ...live, desktopsLoaded: false, task: { desktopId: 'old-pc', status: 'queued' } }).state).toBe('connecting');
  });

  it('keeps "no desktop has connected yet" for the home screen of a phone whose gateway lists no desktop', () => {
    expect(linkState({ phoneOnline: true, connection: 'live', desktopsLoaded: true, desktop: undefined })).toEqual({
      state: 'no-desktop',
      text: 'No desktop has connected yet. Tasks wait until one does.',
    });
  });
});

describe('where a task ran', () => {
  const laptop: Desktop = { id: 'laptop-1', name: 'Laptop', online: true, running: 0, queued: 0, current: true };
  const office: Desktop = { id: 'office-1', name: 'Office PC', online: false, running: 0, queued: 0 };

  it('says "on <name>" only when the phone knows more than one desktop', () => {
    expect(desktopNameIfMany('laptop-1', [laptop])).toBeUndefined();
    expect(desktopNameIfMany('laptop-1', null)).toBeUndefined();
    expect(desktopNameIfMany('laptop-1', [laptop, office])).toBe('Laptop');
    expect(desktopNameIfMany('office-1', [laptop, office])).toBe('Office PC');
  });

  it('names a desktop the list no longer has by its id', () => {
    expect(desktopNameIfMany('old-pc', [laptop, office])).toBe('old-pc');
    expect(desktopNameIfMany('old-pc', [laptop])).toBe('old-pc');
  });
});

describe('a screenshot that cannot be loaded', () => {
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const failureOf = async (response: Response) =>
    createApi({ getToken: () => 'tok', onUnauthorized: () => undefined, fetch: async () => response })
      .screenshot(shot)
      .then(() => undefined, (error: unknown) => error);

  it('shows the gateway\'s words when the desktop it was taken on is away, with a way to try again', async () => {
    const away = 'The desktop this task ran on is away; its screenshots show again when it is back.';
    const failure = await failureOf(json(503, { error: { code: 'desktop_away', message: away } }));
    expect(screenshotProblem(failure)).toEqual({ text: away, retry: true });
  });

  it('says a screenshot the desktop no longer has is gone, without a pointless "Try again"', async () => {
    const failure = await failureOf(json(404, { error: { code: 'not_found', message: 'That screenshot was not found.' } }));
    expect(screenshotProblem(failure)).toEqual({ text: 'This screenshot is no longer on the desktop it was taken on.', retry: false });
  });
});

describe('pinch zoom on a full-size screenshot', () => {
  it('keeps what is under the fingers under them, and never lets the image leave the screen', () => {
    const zoomed = zoomAround({ scale: 1, x: 0, y: 0 }, 2, { x: 100, y: 50 });
    expect(zoomed).toEqual({ scale: 2, x: -100, y: -50 });
    const pinched = pinchView({ scale: 1, x: 0, y: 0 }, [{ x: 90, y: 50 }, { x: 110, y: 50 }], [{ x: 80, y: 50 }, { x: 120, y: 50 }]);
    expect(pinched).toEqual(zoomed);
    expect(clampView({ scale: 10, x: 50, y: -5000 }, 390, 700)).toEqual({ scale: 6, x: 0, y: 700 - 700 * 6 });
  });
});
