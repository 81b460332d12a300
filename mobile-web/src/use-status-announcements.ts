import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiTaskStatus } from '../../common/api-schemas.js';
import { statusLabel } from './format.js';
import type { GatewayData } from './store.js';

/**
 * The sentence for the polite live region when any known task changes status, e.g.
 * `"Open the quarterly report…" is now Running.` Statuses seen on first load are taken as they
 * are, so opening the app does not read out the whole list.
 */
export function useStatusAnnouncements(data: GatewayData): string {
  const seen = useRef<Map<string, ApiTaskStatus> | null>(null);
  const [message, setMessage] = useState('');

  useEffect(() => {
    if (!data.tasksLoaded) return;
    const first = seen.current === null;
    const previous = seen.current ?? new Map<string, ApiTaskStatus>();
    const changes: string[] = [];
    for (const task of data.tasks) {
      const before = previous.get(task.id);
      if (!first && before !== task.status) {
        const name = task.prompt.length > 60 ? `${task.prompt.slice(0, 57)}…` : task.prompt;
        changes.push(before ? `"${name}" is now ${statusLabel(task.status)}.` : `New task "${name}" is ${statusLabel(task.status)}.`);
      }
      previous.set(task.id, task.status);
    }
    seen.current = previous;
    if (changes.length > 0) setMessage(changes.join(' '));
  }, [data.tasks, data.tasksLoaded]);

  return message;
}
