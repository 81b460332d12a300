/**
 * What a task id looks like: `task-<uuid>`, or a scheduled run's `task-schedule-<id>-<scheduled
 * time>` (Temporal appends the time). No imports, so the CLI can check an id without loading the
 * API schemas.
 */
export const TASK_ID_PATTERN = /^task-[A-Za-z0-9:.-]{1,100}$/;
