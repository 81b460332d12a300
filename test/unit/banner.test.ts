import { describe, expect, it } from 'vitest';
import { canDrawQr, renderBanner, runsAsService } from '../../cli/banner.js';
import { renderTerminalQr } from '../../gateway/pairing-routes.js';

const facts = {
  desktopId: 'desk',
  home: '/home/me/.opendispatch',
  temporalAddress: '127.0.0.1:7233',
  namespace: 'default',
  webUi: 'http://127.0.0.1:8233',
  phoneUrl: 'http://192.0.2.7:8787',
  setupUrl: 'http://127.0.0.1:8786/setup',
};
const LINK = 'http://192.0.2.7:8787/#pair=Zq7k3vYb2N0xWmR4tPa1Lc';

describe('what `opendispatch start` prints last', () => {
  it('in a terminal: the addresses, the pairing link as text and its QR code, then how to stop', async () => {
    const banner = renderBanner({ ...facts, pairingUrl: LINK, qr: await renderTerminalQr(LINK) });
    const lines = banner.split('\n');
    expect(banner).toContain('Temporal Web UI: http://127.0.0.1:8233');
    expect(banner).toContain("Scan this with your phone's camera");
    expect(lines).toContain(`  ${LINK}`);
    expect(banner).toMatch(/[▀▄█]/);
    expect(lines.at(-2)).toBe('Press Ctrl+C to stop.');
  });

  it('without a terminal that can draw it: the link alone, no block characters', () => {
    expect(canDrawQr({ isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
    expect(canDrawQr({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(canDrawQr({ isTTY: false }, { TERM: 'xterm' })).toBe(false);
    const banner = renderBanner({ ...facts, pairingUrl: LINK });
    expect(banner).toContain('Open this link on your phone to pair it');
    expect(banner).toContain(LINK);
    expect(banner).not.toMatch(/[▀▄█]/);
  });

  it('as a login service, whose output is a log: no pairing code at all', () => {
    expect(runsAsService({ INVOCATION_ID: 'abc', JOURNAL_STREAM: '8:123' })).toBe(true);
    expect(runsAsService({ TERM: 'xterm' })).toBe(false);
    const banner = renderBanner(facts);
    expect(banner).not.toContain('#pair=');
    expect(banner).toContain('opendispatch pair');
  });
});
