import { Router } from 'express';
import { answerRequestSchema, apiErrorSchema, approvalRequestSchema, messageRequestSchema, taskIdParamsSchema } from '../common/api-schemas.js';
import { deliveredSchema, messageAcceptedSchema } from '../common/conversation-schemas.js';
import type { ConversationService } from './conversation-service.js';
import { defineRoute } from './define-route.js';

const error = apiErrorSchema;

/**
 * `/tasks/:id/answer`, `/tasks/:id/approval` and `/tasks/:id/messages`, mounted under `/api`
 * behind the device check: the person answering the agent, deciding on an action, or following
 * up. 202 once the task has it; 409 when the task is not in a state to take it.
 */
export function createConversationRouter(deps: { conversation: ConversationService }): Router {
  const router = Router();
  const { conversation } = deps;

  defineRoute(
    router,
    {
      method: 'post',
      path: '/tasks/:id/answer',
      summary: 'Answer the question the task is waiting on',
      params: taskIdParamsSchema,
      body: answerRequestSchema,
      responses: { 202: deliveredSchema, 401: error, 404: error, 409: error, 422: error },
    },
    async ({ params, body }, _req, res) => {
      await conversation.answer(params.id, body.text);
      res.status(202).json({ id: params.id });
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/tasks/:id/approval',
      summary: 'Approve or decline the action the task is waiting on; "always" approves that tool for the rest of the task',
      params: taskIdParamsSchema,
      body: approvalRequestSchema,
      responses: { 202: deliveredSchema, 401: error, 404: error, 409: error, 422: error },
    },
    async ({ params, body }, _req, res) => {
      await conversation.decide(params.id, body);
      res.status(202).json({ id: params.id });
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/tasks/:id/messages',
      summary: 'Follow up: a running task reads the message at its next decision; a finished task continues with it, under the same id',
      params: taskIdParamsSchema,
      body: messageRequestSchema,
      responses: { 202: messageAcceptedSchema, 401: error, 404: error, 409: error, 422: error },
    },
    async ({ params, body }, _req, res) => {
      res.status(202).json(await conversation.message(params.id, body.text));
    },
  );

  return router;
}
