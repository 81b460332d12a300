import { ToolName } from '../../common/contract.js';

/**
 * The `ask_user` tool, offered to every model: the way to put a question to the person on their
 * phone instead of guessing. The workflow answers it (it waits durably for the answer); nothing
 * runs on the desktop.
 */
export const askUserToolDefinition = Object.freeze({
  name: ToolName.askUser,
  description:
    'Ask the person who gave you this task a question, on their phone, and wait for the answer. ' +
    'Use it when a choice is theirs to make (which file, which recipient, whether to spend money or send something) ' +
    'or when you cannot go on without information only they have. Give short options when the answer is one of a few.',
  input_schema: {
    type: 'object',
    properties: {
      question: { type: 'string', description: 'The question, in one or two sentences.', minLength: 1, maxLength: 2000 },
      options: {
        type: 'array',
        description: 'Up to 6 short answers the person can pick with one tap; they may still answer in their own words.',
        items: { type: 'string', minLength: 1, maxLength: 200 },
        maxItems: 6,
      },
    },
    required: ['question'],
  },
});
