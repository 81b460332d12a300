/**
 * How often a desktop's worker tells Temporal it is alive (Temporal's worker heartbeats: the SDK
 * sends them from its native core on a timer of its own, so a busy event loop does not delay
 * them, and they stop when the process is stopped, frozen or killed). The gateway reads them
 * with ListWorkers and shows a desktop offline once the heartbeats are this old a few times over;
 * see gateway/worker-liveness.ts. The SDK's default is 60 s, too slow for "offline within 15 s".
 */
export const WORKER_HEARTBEAT_INTERVAL_MS = 4_000;

/** A worker whose newest heartbeat is older than this (by the gateway's clock) is gone. */
export const WORKER_STALE_AFTER_MS = 10_000;
