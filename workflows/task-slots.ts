import type { ScreenClaim } from '../common/contract.js';

/** The desktop's task slots as the screen queue workflow keeps them; carried across continue-as-new. */
export interface TaskSlotsState {
  max: number;
  holders: ScreenClaim[];
  waiting: ScreenClaim[];
}

function submittedBefore(a: ScreenClaim, b: ScreenClaim): boolean {
  return a.submittedAt < b.submittedAt || (a.submittedAt === b.submittedAt && a.taskId < b.taskId);
}

/**
 * At most `max` tasks work on a desktop at once (DISPATCH_MAX_PARALLEL); the others wait in the
 * order they were given. Deterministic bookkeeping only: the screen queue workflow sends the signals.
 * Tasks are known by workflow id, so a task that continues as new or is reset keeps its slot;
 * each grant names the run it is for.
 */
export class TaskSlots {
  private max: number;
  private readonly holders: ScreenClaim[];
  private readonly waiting: ScreenClaim[];
  /** Holders whose run changed and must be told again that they hold a slot. */
  private readonly regrants: ScreenClaim[] = [];

  constructor(state?: TaskSlotsState) {
    this.max = state?.max ?? 4;
    this.holders = [...(state?.holders ?? [])];
    this.waiting = [...(state?.waiting ?? [])];
  }

  /** A task asks for a slot; asking again is harmless. The newest request's limit applies. */
  request(claim: ScreenClaim, max: number): void {
    this.max = Math.max(1, Math.floor(max));
    const holding = this.holders.findIndex((entry) => entry.taskId === claim.taskId);
    if (holding >= 0) {
      this.holders[holding] = claim;
      this.regrants.push(claim);
      return;
    }
    const queued = this.waiting.find((entry) => entry.taskId === claim.taskId);
    if (queued) {
      queued.claim = claim.claim;
      return;
    }
    const later = this.waiting.findIndex((entry) => submittedBefore(claim, entry));
    this.waiting.splice(later < 0 ? this.waiting.length : later, 0, claim);
  }

  /** A task is done (or gone): its slot, or its place in line, is freed. */
  release(taskId: string): void {
    for (const list of [this.holders, this.waiting]) {
      const index = list.findIndex((entry) => entry.taskId === taskId);
      if (index >= 0) list.splice(index, 1);
    }
  }

  /** The claims to tell now: regrants, then the next in line while slots are free. */
  grants(): ScreenClaim[] {
    const granted = this.regrants.splice(0);
    while (this.holders.length < this.max && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.holders.push(next);
      granted.push(next);
    }
    return granted;
  }

  /** Each waiting task with its 1-based place in line. */
  positions(): Array<{ taskId: string; position: number }> {
    return this.waiting.map((entry, index) => ({ taskId: entry.taskId, position: index + 1 }));
  }

  holderIds(): string[] {
    return this.holders.map((entry) => entry.taskId);
  }

  isIdle(): boolean {
    return this.holders.length === 0 && this.waiting.length === 0;
  }

  state(): TaskSlotsState {
    return { max: this.max, holders: [...this.holders], waiting: [...this.waiting] };
  }
}
