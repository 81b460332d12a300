import { useCallback, useEffect, useReducer, useState } from 'preact/hooks';
import type { ApiClient } from './api.js';
import { EventStream, type ConnectionState } from './events.js';
import { emptyGatewayData, reduceGateway, type GatewayAction, type GatewayData } from './store.js';

export interface Gateway {
  data: GatewayData;
  dispatch: (action: GatewayAction) => void;
  /** The live socket; once it dropped, `offline` until it is live again. */
  connection: ConnectionState;
  /** Goes up by one on every (re)connect; screens showing one task re-fetch it when it changes. */
  generation: number;
  /** Appends the next, older page of tasks; rejects with an ApiFailure when it cannot. */
  loadOlder: () => Promise<void>;
}

/**
 * Keeps the phone's picture of the gateway current: the live event stream applies pushes as they
 * come, and every (re)connect re-fetches the task and desktop lists to catch up on what was
 * missed while the socket was down. A rejected token ends it through `onUnauthorized`.
 */
export function useGateway(api: ApiClient, token: string, onUnauthorized: () => void): Gateway {
  const [data, dispatch] = useReducer(reduceGateway, emptyGatewayData);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [generation, setGeneration] = useState(0);

  const catchUp = useCallback(() => {
    // Failures leave the last known picture in place; the connection indicator says why.
    api.listTasks().then(({ tasks, nextCursor }) => dispatch({ type: 'tasks', tasks, nextCursor }), () => undefined);
    api.listDesktops().then((desktops) => dispatch({ type: 'desktops', desktops }), () => undefined);
  }, [api]);

  useEffect(() => {
    const stream = new EventStream({
      token,
      // A reconnect attempt is still offline to the person until it succeeds; flickering to
      // "connecting" every few seconds would read as progress that is not there.
      onState: (state) => setConnection((previous) => (state === 'connecting' && previous === 'offline' ? previous : state)),
      onUnauthorized,
      onMessage(message) {
        switch (message.type) {
          case 'ready':
            setGeneration((n) => n + 1);
            catchUp();
            break;
          case 'task':
            dispatch({ type: 'task', task: message.task });
            break;
          case 'desktop':
            dispatch({ type: 'desktop', desktop: message.desktop });
            break;
          case 'pong':
          case 'error':
            break;
        }
      },
    });
    catchUp();
    stream.start();
    return () => stream.stop();
  }, [token, catchUp, onUnauthorized]);

  const { nextCursor } = data;
  const loadOlder = useCallback(async () => {
    if (nextCursor === undefined) return;
    const page = await api.listTasks(nextCursor);
    dispatch({ type: 'olderTasks', tasks: page.tasks, nextCursor: page.nextCursor });
  }, [api, nextCursor]);

  return { data, dispatch, connection, generation, loadOlder };
}
