import { ToolName, type ToolResultRecord } from '../../common/contract.js';
import { fieldsOf, shortText } from './describe.js';
import type { ToolFamily } from './tool-family.js';

const MAX_QUESTION = 2000;
const MAX_OPTIONS = 6;
const MAX_OPTION = 200;

/** The question and options of a call, or why they cannot be asked. */
function readQuestion(input: unknown): { text: string; options?: string[] } | string {
  const { question, options } = fieldsOf(input);
  if (typeof question !== 'string' || question.trim() === '' || question.length > MAX_QUESTION) {
    return `ask_user needs a "question" of 1 to ${MAX_QUESTION} characters.`;
  }
  if (options === undefined) return { text: question.trim() };
  const valid = Array.isArray(options) && options.length <= MAX_OPTIONS && options.every((option) => typeof option === 'string' && option.trim() !== '' && option.length <= MAX_OPTION);
  if (!valid) return `ask_user "options" must be up to ${MAX_OPTIONS} non-empty strings of at most ${MAX_OPTION} characters.`;
  return { text: question.trim(), options: (options as string[]).map((option) => option.trim()) };
}

/**
 * `ask_user`: the agent asks the person, on their phone, and the task waits for the answer. The
 * wait is a workflow condition, so it survives restarts of everything; no activity runs.
 */
export const askUserFamily: ToolFamily = {
  name: 'ask_user',

  owns: (call) => call.toolsetName === undefined && call.name === ToolName.askUser,

  needsScreen: () => false,

  changesScreen: () => false,

  notExecutedAfterFailure: () => undefined,

  describe: (call) => `ask you: ${shortText(fieldsOf(call.input).question, 80)}`,

  actionName: () => ToolName.askUser,

  alwaysNeedsApproval: () => false,

  async run(call, context): Promise<ToolResultRecord> {
    const question = readQuestion(call.input);
    if (typeof question === 'string') return { toolUseId: call.id, isError: true, text: question };
    const answer = await context.askPerson({ id: call.id, ...question });
    return answer === undefined
      ? { toolUseId: call.id, isError: false, text: 'No answer came in time. Decide for yourself if you safely can; otherwise end the task and say what you need.' }
      : { toolUseId: call.id, isError: false, text: `The person answered: ${answer}` };
  },
};
