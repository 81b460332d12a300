import { useEffect, useState } from 'preact/hooks';
import type { TaskDetail } from '../../../common/api-schemas.js';
import { durationText } from '../format.js';
import { isFinished } from '../store.js';
import { decisionsTaken, elapsedMs } from '../task-timeline.js';

/** "5 steps in 2 min 14 s": steps as the CLI counts them, and the time since the task started, ticking while it works. */
export function TaskStats({ task }: { task: TaskDetail }) {
  const working = !isFinished(task.status);
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [working]);
  const steps = decisionsTaken(task);
  const time = durationText(elapsedMs(task, now));
  return (
    <span class="task-stats">
      {steps} {steps === 1 ? 'step' : 'steps'}
      {working ? ` · ${time} so far` : ` in ${time}`}
    </span>
  );
}
