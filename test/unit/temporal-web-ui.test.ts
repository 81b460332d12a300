import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { temporalWebUiUrl, workflowWebUiUrl } from '../../common/temporal-web-ui.js';

describe('links into the Temporal Web UI', () => {
  it("knows the embedded server's Web UI and not an external cluster's", () => {
    expect(temporalWebUiUrl(loadConfig({ DISPATCH_TEMPORAL_UI_PORT: '9233' }).temporal)).toBe('http://127.0.0.1:9233');
    expect(temporalWebUiUrl(loadConfig({ TEMPORAL_ADDRESS: 'temporal.example.net:7233' }).temporal)).toBeUndefined();
  });

  it("opens a workflow's latest run in its namespace, whatever its id holds", () => {
    expect(workflowWebUiUrl('http://127.0.0.1:8233', 'default', 'task-abc')).toBe('http://127.0.0.1:8233/namespaces/default/workflows/task-abc');
    expect(workflowWebUiUrl('http://127.0.0.1:8233/', 'my-ns.a1b2c', 'task a/b?c')).toBe('http://127.0.0.1:8233/namespaces/my-ns.a1b2c/workflows/task%20a%2Fb%3Fc');
  });
});
