import type { PendingQuestion, ScreenGeometry, ToolCall, ToolResultRecord } from '../../common/contract.js';

/** What a family may ask of the task while it runs a call. */
export interface ToolRunContext {
  taskId: string;
  model: string;
  /** The geometry of the newest screenshot the model saw; takes one first if the task has none. */
  screenGeometry(): Promise<ScreenGeometry>;
  /**
   * Puts a question to the person and waits, durably, for the answer: undefined when none came in
   * time. The task lets other tasks have the screen meanwhile.
   */
  askPerson(question: PendingQuestion): Promise<string | undefined>;
}

/**
 * One family of tools (the computer, the file tools, …) as the agent loop sees it. The loop only
 * iterates calls and asks the family that owns each one; it never names a family. The family's
 * declaration for the model is built on the desktop (activities/index.ts `offerTools`), where the
 * screen and the SDK are.
 *
 * Implementations are workflow code: deterministic, calling activities through proxies whose
 * retry policy is the family's own (at most once for anything that touches the desktop).
 */
export interface ToolFamily {
  readonly name: string;
  /** Whether this family answers the call, decided on the pair (toolset name, tool name). */
  owns(call: ToolCall): boolean;
  /** Whether the call uses the screen: the batch's fresh screenshot goes on such a call's result. */
  needsScreen(call: ToolCall): boolean;
  /** Whether the call may have changed what is on the screen, so the model needs a fresh look. */
  changesScreen(call: ToolCall): boolean;
  /**
   * The answer for a later call of this family in the same turn once an earlier one failed, or
   * undefined to run it anyway. The toolsets plan a turn's members as one sequence.
   */
  notExecutedAfterFailure(call: ToolCall): string | undefined;
  /** How the step reads on the phone: "left click at (412, 300)", "type 23 characters". */
  describe(call: ToolCall): string;
  /** What a person may want to see of the step beyond its words: the text typed, the point clicked (screen pixels). */
  stepDetails?(call: ToolCall, geometry: ScreenGeometry | null): { typed?: string; point?: { x: number; y: number } };
  /** The action's name as approval policy names it (DISPATCH_APPROVE=type,key): the member, action or tool. */
  actionName(call: ToolCall): string;
  /** Whether this call always waits for the person's approval, whatever the policy says. */
  alwaysNeedsApproval(call: ToolCall): boolean;
  /** Runs the call. The model's mistakes come back as `isError` results; only outages throw. */
  run(call: ToolCall, context: ToolRunContext): Promise<ToolResultRecord>;
}
