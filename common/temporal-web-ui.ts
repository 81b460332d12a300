import type { TemporalTarget } from './config.js';

/**
 * Where the Temporal Web UI is, when OpenDispatch knows: the embedded dev server's, on loopback.
 * For an external Temporal (TEMPORAL_ADDRESS) its Web UI may be anywhere, or nowhere this
 * desktop can open, so there is none rather than a guessed link that leads nowhere.
 */
export function temporalWebUiUrl(temporal: TemporalTarget): string | undefined {
  return temporal.kind === 'embedded' ? `http://127.0.0.1:${temporal.uiPort}` : undefined;
}

/**
 * A workflow's page in the Temporal Web UI. Without a run id it opens the workflow's latest run,
 * which is the one a task's status follows (a task reset in the Web UI shows its new run).
 */
export function workflowWebUiUrl(webUi: string, namespace: string, workflowId: string): string {
  return `${webUi.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
