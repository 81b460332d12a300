import type { Client } from '@temporalio/client';
import { atMostOnce, type JournaledActionArgs } from './input/at-most-once.js';
import { createComputerActivities } from './input/computer-activity.js';
import { createFileActivities } from './files/file-activity.js';
import { fileManagerToolDefinition } from './files/file-manager.js';
import { textEditorToolDefinition } from './files/text-editor.js';
import { createModelActivities } from './model/decide-activity.js';
import type { ComputerToolVersion } from './model/computer-tools.js';
import type { MessagesPort } from './model/messages-port.js';
import { buildSystemPrompt } from './model/system-prompt.js';
import type { Clock, InputDevice, ScreenCapture, ScreenGrabber } from './ports.js';
import { createScreenCapture } from './screen/capture.js';
import { imageLimitForModel } from './screen/image-limits.js';
import { createScreenActivities } from './screen/screenshot-activity.js';
import { createScreenLockActivities } from './screen-lock/lock-activities.js';
import type { ContentStore } from './store/content-store.js';
import { createToolCallJournal } from './store/tool-call-journal.js';

/** How much of a file one `view` shows the model; the rest is a request away. */
const TEXT_EDITOR_MAX_CHARACTERS = 60_000;

/** Everything the desktop's activities are built from; only the worker builds the real ones. */
export interface DesktopActivityDeps {
  client: Client;
  grabber: ScreenGrabber;
  input: InputDevice;
  clock: Clock;
  store: ContentStore;
  messages: MessagesPort;
  /** The model whose image limit applies when a call does not name one. */
  defaultModel: string;
  roots: string[];
  trashDir: string;
  journalDir: string;
  platform: string;
  computerToolOverride?: ComputerToolVersion;
}

/**
 * All activities a desktop's worker registers: screen, model, input, files and the screen lock.
 * The workflow sees only their types (`DesktopActivities`), never this module's imports.
 */
export function createDesktopActivities(deps: DesktopActivityDeps) {
  const captures = new Map<string, ScreenCapture>();
  const captureFor = (model: string): ScreenCapture => {
    const limit = imageLimitForModel(model);
    const key = JSON.stringify(limit);
    let capture = captures.get(key);
    if (!capture) {
      capture = createScreenCapture({ grabber: deps.grabber, store: deps.store, limit });
      captures.set(key, capture);
    }
    return capture;
  };

  // One computer activity per image limit, so `screenshot` and `zoom` follow the task's own model.
  const journal = createToolCallJournal(deps.journalDir, deps.clock);
  const computers = new Map<ScreenCapture, ReturnType<typeof atMostOnce>>();
  const computerFor = (model: string): ReturnType<typeof atMostOnce> => {
    const capture = captureFor(model);
    let perform = computers.get(capture);
    if (!perform) {
      perform = atMostOnce(createComputerActivities({ input: deps.input, capture, clock: deps.clock }).performComputerAction, journal);
      computers.set(capture, perform);
    }
    return perform;
  };

  return {
    ...createScreenActivities({ captureFor }),
    /** Carries out one computer-tool action at most once, with the image limit of the task's model. */
    performComputerAction: (args: JournaledActionArgs & { model?: string }) => computerFor(args.model ?? deps.defaultModel)(args),
    ...createFileActivities({ roots: deps.roots, trashDir: deps.trashDir, journalDir: deps.journalDir, maxCharacters: TEXT_EDITOR_MAX_CHARACTERS }),
    ...createModelActivities({
      messages: deps.messages,
      store: deps.store,
      systemPrompt: buildSystemPrompt({
        roots: deps.roots,
        platform: deps.platform,
        fileManagerTool: String(fileManagerToolDefinition.name),
        textEditorTool: String(textEditorToolDefinition().name),
      }),
      textEditorTool: textEditorToolDefinition(TEXT_EDITOR_MAX_CHARACTERS),
      extraTools: [fileManagerToolDefinition as unknown as Record<string, unknown>],
      computerToolOverride: deps.computerToolOverride,
    }),
    ...createScreenLockActivities({ client: deps.client }),
  };
}

export type DesktopActivities = ReturnType<typeof createDesktopActivities>;
