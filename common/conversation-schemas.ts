/**
 * What the gateway answers when the person talks to a task (answers a question, decides on an
 * approval, or sends a follow-up). The requests themselves are in api-schemas.ts.
 */
import { z } from 'zod';

/** `202` for an answer or a decision: delivered to the task, which acts on it when its desktop is there. */
export const deliveredSchema = z.object({ id: z.string() });

/** `202` for a follow-up: `continued` when the task had finished and runs again with the message. */
export const messageAcceptedSchema = z.object({
  id: z.string(),
  continued: z.boolean().describe('True when the task had finished and now continues (same id); false when a running task got the message.'),
});
export type MessageAccepted = z.infer<typeof messageAcceptedSchema>;
