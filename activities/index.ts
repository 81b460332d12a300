import type { Client } from '@temporalio/client';
import type { ToolResultRecord } from '../common/contract.js';
import { modelProfile, type ComputerDialect } from '../common/models.js';
import { createFileActivities } from './files/file-activity.js';
import { fileManagerToolDefinition } from './files/file-manager.js';
import { textEditorToolDefinition } from './files/text-editor.js';
import { askUserToolDefinition } from './ask/ask-user-declaration.js';
import { createBrowserActivities } from './browser/browser-activity.js';
import { createBrowserHost, type BrowserHost } from './browser/browser-host.js';
import { createBrowserTabs } from './browser/browser-tabs.js';
import { browserToolsetDeclaration } from './browser/browser-toolset.js';
import { taskIsOpen } from './browser/task-status.js';
import { atMostOnce } from './input/at-most-once.js';
import { createComputerActivities } from './input/computer-activity.js';
import { computerToolDeclaration } from './input/computer-declaration.js';
import { createMcpActivities } from './mcp/mcp-activity.js';
import type { McpConnectors } from './mcp/mcp-connectors.js';
import { createModelActivities } from './model/decide-activity.js';
import type { MessagesPort } from './model/messages-port.js';
import { buildSystemPrompt } from './model/system-prompt.js';
import type { Clock, InputDevice, ScreenCapture, ScreenGrabber } from './ports.js';
import { createScreenCapture } from './screen/capture.js';
import type { ScreenGeometry } from './screen/coordinates.js';
import { imageLimitForModel } from './screen/image-limits.js';
import { createScreenActivities } from './screen/screenshot-activity.js';
import { createScreenshotImageActivities } from './screen/screenshot-image-activity.js';
import { createScreenLockActivities } from './screen-lock/lock-activities.js';
import { createScheduledRunActivities } from './schedule/scheduled-run.js';
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
  computerToolOverride?: ComputerDialect;
  /** The agent's own web browser (see activities/browser/); without one, browser calls answer that there is none. */
  browser?: BrowserHost;
  /** The person's MCP servers (activities/mcp/); their tools follow the built-in ones. */
  mcp?: McpConnectors;
}

/** One computer tool call, as the workflow hands it to the desktop. */
export interface ComputerCallArgs {
  taskId: string;
  /** The task's model: it decides the dialect the call is read in and the image rule of screenshots. */
  model?: string;
  toolUseId: string;
  /** The tool_use's name: `computer` for the older tools, the member for the toolset. */
  name: string;
  toolsetName?: string;
  input: unknown;
  geometry: ScreenGeometry;
}

/**
 * All activities a desktop's worker registers: screen, model, input, files, the screen lock and
 * the screenshots other desktops' gateways ask for.
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
      perform = atMostOnce(createComputerActivities({ input: deps.input, capture, clock: deps.clock, store: deps.store }).performComputerAction, journal, () => deps.input.releaseAll());
      computers.set(capture, perform);
    }
    return perform;
  };

  const textEditorTool = textEditorToolDefinition(TEXT_EDITOR_MAX_CHARACTERS);
  const fileManagerTool = fileManagerToolDefinition as unknown as Record<string, unknown>;
  const askUserTool = askUserToolDefinition as unknown as Record<string, unknown>;
  const browserTool = browserToolsetDeclaration();
  const browserTabs = createBrowserTabs({
    host: deps.browser ?? createBrowserHost(() => Promise.reject(new Error('this desktop has no browser set up'))),
    isTaskOpen: taskIsOpen(deps.client),
  });

  return {
    ...createScreenActivities({ captureFor }),
    /** Carries out one computer-tool call at most once, in the dialect and image limit of the task's model. */
    performComputerAction(args: ComputerCallArgs): Promise<ToolResultRecord> {
      const model = args.model ?? deps.defaultModel;
      const { dialect } = modelProfile(model, deps.computerToolOverride);
      const isMember = args.toolsetName !== undefined;
      if (isMember !== (dialect === 'computer_toolset_20260801')) {
        // The model called the computer in a dialect it was not offered: nothing runs.
        const offered = isMember ? `the ${dialect} tool named "computer"` : 'the computer toolset\'s members (left_click, type, screenshot, …)';
        return Promise.resolve({ toolUseId: args.toolUseId, ...(isMember ? { toolsetName: args.toolsetName } : {}), isError: true, text: `That computer call does not exist here; use ${offered}.` });
      }
      return computerFor(model)({
        taskId: args.taskId,
        toolUseId: args.toolUseId,
        input: args.input,
        geometry: args.geometry,
        toolVersion: dialect,
        ...(args.toolsetName !== undefined ? { member: args.name } : {}),
      });
    },
    ...createBrowserActivities({ tabs: browserTabs, store: deps.store, journal, uploadRoots: deps.roots }),
    ...createMcpActivities({ connectors: deps.mcp, store: deps.store, journal }),
    ...createFileActivities({
      roots: deps.roots,
      trashDir: deps.trashDir,
      journalDir: deps.journalDir,
      maxCharacters: TEXT_EDITOR_MAX_CHARACTERS,
      store: deps.store,
      defaultModel: deps.defaultModel,
    }),
    ...createModelActivities({
      messages: deps.messages,
      store: deps.store,
      systemPrompt: buildSystemPrompt({
        roots: deps.roots,
        platform: deps.platform,
        fileManagerTool: String(fileManagerToolDefinition.name),
        textEditorTool: String(textEditorTool.name),
        askUserTool: askUserToolDefinition.name,
      }),
      offerTools(profile, geometry) {
        const computer = computerToolDeclaration(profile, geometry);
        // The text editor's version follows the model, as the computer's does.
        const textEditor = { ...textEditorTool, type: profile.textEditor };
        // A stable order keeps the cached prefix byte-identical: the computer, the browser (for models that take it), then the rest.
        const browser = profile.browser ? [browserTool] : [];
        // MCP tools come last, sorted by name: the same array from turn to turn until a server's tools change.
        const mcp = deps.mcp?.declarations() ?? [];
        return { tools: [computer.tool, ...browser, textEditor, fileManagerTool, askUserTool, ...mcp], betas: computer.beta ? [computer.beta] : [] };
      },
      policyFor: (call) => deps.mcp?.policyFor(call),
      computerToolOverride: deps.computerToolOverride,
    }),
    ...createScreenLockActivities({ client: deps.client }),
    ...createScheduledRunActivities({ client: deps.client }),
    ...createScreenshotImageActivities({ store: deps.store }),
  };
}

export type DesktopActivities = ReturnType<typeof createDesktopActivities>;
