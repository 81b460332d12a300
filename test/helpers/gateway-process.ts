import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./gateway-main.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A gateway running as a child process (see gateway-main.ts). */
export interface GatewayProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  base: string;
  output: () => string;
  /** SIGTERM, and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** Starts the gateway with exactly `env` (NODE_EXTRA_CA_CERTS included) and waits until it listens. */
export async function startGatewayProcess(env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.relative(REPO, MAIN)], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let ready: RegExpExecArray | null = null;
  while (!(ready = /gateway ready (\S+)/.exec(output))) {
    if (child.exitCode !== null) throw new Error(`gateway exited while starting:\n${output}`);
    if (Date.now() > deadline) throw new Error(`gateway did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { child, base: ready[1]!, output: () => output, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}
