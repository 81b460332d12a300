#!/usr/bin/env -S node --import tsx
// The entry point only: the commands live in cli/commands.ts. (tsx cannot load a file that
// starts with this #! line and also uses `import()`, which the commands do to start quickly.)
import { exitCodeFor, main } from './commands.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(exitCodeFor(error)),
);
