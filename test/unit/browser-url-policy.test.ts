import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import { describe, expect, it } from 'vitest';
import { refuseNonWebUrl } from '../../activities/browser/url-policy.js';

const context = { member: 'navigate' as const };
const verdict = (url: string): string => {
  try {
    refuseNonWebUrl(context, url);
    return 'allowed';
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return (error as ToolError).message;
  }
};

describe('the browser URL policy', () => {
  it.each(['https://example.com/', 'http://127.0.0.1:8080/form?x=1#top', 'HTTPS://EXAMPLE.COM', '  https://example.com/padded  ', 'about:blank', 'ABOUT:BLANK'])(
    'lets the agent open %j',
    (url) => expect(verdict(url)).toBe('allowed'),
  );

  it.each([
    ['file:///etc/passwd', 'file:'],
    ['FILE:///etc/passwd', 'file:'],
    ['javascript:alert(1)', 'javascript:'],
    [' JavaScript:alert(document.cookie)', 'javascript:'],
    ['data:text/html,<script>alert(1)</script>', 'data:'],
    ['chrome://settings', 'chrome:'],
    ['chrome-extension://abc/page.html', 'chrome-extension:'],
    ['view-source:https://example.com', 'view-source:'],
    ['about:config', 'about:'],
    ['about:blank#x', 'about:'],
    ['ftp://example.com/file', 'ftp:'],
    ['blob:https://example.com/1234', 'blob:'],
    ['filesystem:https://example.com/temporary/x', 'filesystem:'],
  ])('refuses %j, naming the scheme and what to do instead', (url, scheme) => {
    const message = verdict(url);
    expect(message).toContain(`not ${scheme} ones`);
    expect(message).toMatch(/only http:\/\/ and https:\/\//);
  });

  it('asks for a full address when the scheme or the host is missing', () => {
    expect(verdict('example.com/page')).toMatch(/not a full web address.*https:\/\/example\.com/);
    expect(verdict('https://')).toMatch(/not a full web address/);
  });
});
