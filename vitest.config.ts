import { defineConfig } from 'vitest/config';

// Integration tests share one machine's X displays and Temporal servers, so files run one at a
// time in forked processes; unit tests are fast and run in parallel.
export default defineConfig({
  test: {
    // The Temporal client retries a failed call from a timer; when a test has already closed its
    // connection (after its gateway or workers stopped), that timer throws "Channel has been shut
    // down" into the test process. It is teardown noise from the SDK, not a failure of what the
    // test checks; every other unhandled error still fails the run.
    onUnhandledError(error) {
      const stack = String(error.stack ?? '');
      if (error.message === 'Channel has been shut down' && stack.includes('grpc-retry')) return false;
      return undefined;
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
