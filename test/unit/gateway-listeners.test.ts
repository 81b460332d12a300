import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config.js';
import { listensEverywhere, localGatewayUrl, resolvePublicUrl } from '../../gateway/public-url.js';

const lan = { eth0: [{ address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '00:00:00:00:00:00', internal: false, cidr: '192.168.1.20/24' }] };

describe('the setup listener has a port of its own', () => {
  it('is 8786 unless DISPATCH_SETUP_PORT says otherwise', () => {
    expect(loadConfig({}).gateway.setupPort).toBe(8786);
    expect(loadConfig({ DISPATCH_SETUP_PORT: '9786' }).gateway.setupPort).toBe(9786);
  });

  it('refuses a setup port that another listener already uses', () => {
    expect(() => loadConfig({ DISPATCH_SETUP_PORT: '8787' })).toThrow(ConfigError);
    expect(() => loadConfig({ DISPATCH_PORT: '9000', DISPATCH_SETUP_PORT: '9000' })).toThrow(/DISPATCH_SETUP_PORT/);
    expect(() => loadConfig({ DISPATCH_SETUP_PORT: '7233' })).toThrow(/DISPATCH_SETUP_PORT/);
    expect(() => loadConfig({ DISPATCH_SETUP_PORT: 'eighty' })).toThrow(/DISPATCH_SETUP_PORT/);
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233', DISPATCH_SETUP_PORT: '7233' }).gateway.setupPort).toBe(7233);
  });
});

describe('where the QR code sends phones', () => {
  it('follows DISPATCH_HOST when it names one address, since nothing answers anywhere else', () => {
    expect(resolvePublicUrl({ port: 8787, host: '100.101.102.103', interfaces: lan })).toBe('http://100.101.102.103:8787');
    expect(resolvePublicUrl({ port: 8787, host: 'fd7a:115c:a1e0::1', interfaces: lan })).toBe('http://[fd7a:115c:a1e0::1]:8787');
    expect(resolvePublicUrl({ port: 8787, host: 'desktop.tailnet.ts.net', interfaces: lan })).toBe('http://desktop.tailnet.ts.net:8787');
  });

  it('uses the LAN address when the gateway listens everywhere, and DISPATCH_PUBLIC_URL above all', () => {
    for (const host of [undefined, '0.0.0.0', '::']) expect(resolvePublicUrl({ port: 8787, host, interfaces: lan })).toBe('http://192.168.1.20:8787');
    expect(resolvePublicUrl({ configured: 'https://desk.example', port: 8787, host: '100.101.102.103', interfaces: lan })).toBe('https://desk.example');
    expect(listensEverywhere('127.0.0.2')).toBe(false);
  });

  it('reaches the phone listener from this machine where it listens', () => {
    expect(localGatewayUrl(undefined, 8787)).toBe('http://127.0.0.1:8787');
    expect(localGatewayUrl('100.101.102.103', 8787)).toBe('http://100.101.102.103:8787');
  });
});
