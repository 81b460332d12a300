import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import type { Page } from 'playwright-core';

/** How much of a script's value the model reads back. */
const MAX_RESULT = 50_000;
const SCRIPT_TIMEOUT_MS = 30_000;

/**
 * Runs the model's script in the page, with the page's own authority, and answers with its value
 * as JSON (awaited if it is a promise). Only ever reached after the person approved this very
 * script on their phone. Runs through CDP, so a page's content security policy, which blocks
 * `eval`, does not turn an approved script into a confusing failure.
 */
export async function runScript(page: Page, script: string): Promise<string> {
  const session = await page.context().newCDPSession(page);
  try {
    const reply = (await session.send('Runtime.evaluate', {
      expression: script,
      awaitPromise: true,
      returnByValue: true,
      timeout: SCRIPT_TIMEOUT_MS,
      userGesture: true,
    })) as { result?: { value?: unknown; type?: string; description?: string }; exceptionDetails?: { text?: string; exception?: { description?: string } } };
    if (reply.exceptionDetails) {
      const reason = reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text ?? 'the script threw';
      throw new ToolError(`The script failed: ${reason.split('\n')[0]}`);
    }
    const { result } = reply;
    const text = result?.type === 'undefined' ? 'undefined' : result && 'value' in result ? JSON.stringify(result.value) ?? String(result.value) : (result?.description ?? 'undefined');
    return text.length > MAX_RESULT ? `${text.slice(0, MAX_RESULT)}… (cut at ${MAX_RESULT} characters)` : text;
  } finally {
    await session.detach().catch(() => undefined);
  }
}
