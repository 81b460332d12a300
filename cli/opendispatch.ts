#!/usr/bin/env -S node --import tsx
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { DEFAULT_MODEL, MODEL_ID_PATTERN } from '../common/models.js';
import { resolveDesktopId } from '../worker/desktop-id.js';
import { TemporalCliNotFoundError } from '../worker/temporal-cli.js';
import { connectClient } from '../worker/temporal-connection.js';
import { runPairCommand } from './pair.js';
import { runStart } from './start.js';
import { runTaskCommand } from './task.js';

const USAGE = `Usage:
  opendispatch start                      run Temporal (embedded unless TEMPORAL_ADDRESS is set), this desktop's worker and the phone gateway
  opendispatch pair                       print a fresh QR code for pairing a phone
  opendispatch task "<prompt>" [options]  start a task and follow it until it ends
      --desktop <id>     the desktop that carries it out (default: this one)
      --model <id>       the Claude model, e.g. claude-opus-4-7 (default: DISPATCH_MODEL)
      --max-steps <n>    stop after n model decisions (default: DISPATCH_MAX_STEPS or 60)
      --no-follow        print the task id and return at once
Configuration is read from the environment; see README.md.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  const logger = createLogger('opendispatch');
  switch (command) {
    case 'start':
      await runStart(config, logger);
      return process.exitCode === undefined ? 0 : Number(process.exitCode);
    case 'pair':
      return runPairCommand(config, (text) => process.stdout.write(text));
    case 'task': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          desktop: { type: 'string' },
          model: { type: 'string' },
          'max-steps': { type: 'string' },
          'no-follow': { type: 'boolean', default: false },
        },
      });
      const prompt = positionals.join(' ').trim();
      if (prompt === '') {
        process.stderr.write(`A task needs a prompt.\n${USAGE}\n`);
        return 64;
      }
      const maxSteps = values['max-steps'] === undefined ? undefined : Number(values['max-steps']);
      if (maxSteps !== undefined && (!Number.isInteger(maxSteps) || maxSteps < 1)) {
        process.stderr.write('--max-steps takes a whole number of at least 1.\n');
        return 64;
      }
      if (values.model !== undefined && !MODEL_ID_PATTERN.test(values.model)) {
        process.stderr.write(`--model takes a Claude model id such as ${DEFAULT_MODEL}; "${values.model}" is not one.\n${USAGE}\n`);
        return 2;
      }
      const desktopId = values.desktop ?? (await resolveDesktopId({ configured: config.desktopId, home: config.home }));
      let client;
      try {
        client = await connectClient(config.temporal);
      } catch (error) {
        process.stderr.write(
          `Cannot reach Temporal at ${config.temporal.address}: ${(error as Error).message}\n` +
            (config.temporal.kind === 'embedded' ? 'Is OpenDispatch running? Start it with `npm start`.\n' : ''),
        );
        return 69;
      }
      try {
        return await runTaskCommand(client, config, { prompt, desktopId, model: values.model, maxSteps, follow: !values['no-follow'] });
      } finally {
        await client.connection.close();
      }
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n${USAGE}\n`);
      return 64;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof TemporalCliNotFoundError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  },
);
