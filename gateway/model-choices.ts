import type { ModelList } from '../common/api-schemas.js';
import { knownModels } from '../common/models.js';

/**
 * What `GET /api/models` answers: the model table's models, newest first, with the desktop's
 * configured default marked. A configured model the table does not list (a newer or dated id set
 * in DISPATCH_MODEL) comes first, labelled with its id, so the phone's picker can always show
 * the model a task would get anyway.
 */
export function modelChoices(configured: string): ModelList {
  const known = knownModels();
  const listed = known.some((model) => model.id === configured) ? known : [{ id: configured, label: configured }, ...known];
  return { models: listed.map((model) => ({ ...model, default: model.id === configured })), default: configured };
}
