import { useRef, useState } from 'preact/hooks';

/** A zoomed view: scale around the stage's top-left corner, then a shift, in CSS pixels. */
export interface View {
  scale: number;
  x: number;
  y: number;
}

interface Point {
  x: number;
  y: number;
}

/** The whole image, fitted to the stage: where a viewer opens and a double-tap returns. */
export const FITTED: View = { scale: 1, x: 0, y: 0 };
const MAX_SCALE = 6;
const DOUBLE_TAP_SCALE = 2.5;
const TAP_SLOP = 10;
const DOUBLE_TAP_MS = 300;

/** Keeps the view between fitted and six times, with the zoomed content always covering the stage. */
export function clampView(view: View, width: number, height: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(1, view.scale));
  const clampAxis = (shift: number, size: number) => Math.min(0, Math.max(size - size * scale, shift));
  return { scale, x: clampAxis(view.x, width), y: clampAxis(view.y, height) };
}

/** The view at `scale` that keeps the content under `anchor` (stage pixels) where it was. */
export function zoomAround(view: View, scale: number, anchor: Point): View {
  const contentX = (anchor.x - view.x) / view.scale;
  const contentY = (anchor.y - view.y) / view.scale;
  return { scale, x: anchor.x - scale * contentX, y: anchor.y - scale * contentY };
}

/** Two fingers moved from `from` to `to`: the content under their first midpoint follows the new one, scaled by how far they spread. */
export function pinchView(start: View, from: [Point, Point], to: [Point, Point]): View {
  const mid = (pair: [Point, Point]): Point => ({ x: (pair[0].x + pair[1].x) / 2, y: (pair[0].y + pair[1].y) / 2 });
  const spread = (pair: [Point, Point]) => Math.hypot(pair[0].x - pair[1].x, pair[0].y - pair[1].y) || 1;
  const scale = start.scale * (spread(to) / spread(from));
  const fromMid = mid(from);
  const toMid = mid(to);
  const moved = zoomAround(start, scale, fromMid);
  return { scale, x: moved.x + toMid.x - fromMid.x, y: moved.y + toMid.y - fromMid.y };
}

/**
 * Pinch to zoom, drag to pan, double-tap to zoom in or back out, on the element given the
 * returned handlers (which needs `touch-action: none`). Pointer events cover touch, pen and mouse.
 */
export function usePinchZoom() {
  const [view, setView] = useState<View>(FITTED);
  const pointers = useRef(new Map<number, Point>());
  const gesture = useRef<{ view: View; points: Point[] }>({ view: FITTED, points: [] });
  const lastTap = useRef<{ at: number; point: Point } | null>(null);
  const moved = useRef(false);

  const local = (event: PointerEvent): { point: Point; width: number; height: number } => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    return { point: { x: event.clientX - box.left, y: event.clientY - box.top }, width: box.width, height: box.height };
  };
  /** Starts the gesture afresh from the current fingers, so adding or lifting one never jumps the view. */
  const restart = (current: View) => {
    gesture.current = { view: current, points: [...pointers.current.values()] };
  };

  return {
    view,
    reset: () => setView(FITTED),
    handlers: {
      onPointerDown(event: PointerEvent) {
        (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
        pointers.current.set(event.pointerId, local(event).point);
        if (pointers.current.size === 1) moved.current = false;
        restart(view);
      },
      onPointerMove(event: PointerEvent) {
        if (!pointers.current.has(event.pointerId)) return;
        const { point, width, height } = local(event);
        pointers.current.set(event.pointerId, point);
        const start = gesture.current;
        const now = [...pointers.current.values()];
        const [a, b] = start.points;
        if (!a) return;
        if (Math.hypot(point.x - a.x, point.y - a.y) > TAP_SLOP) moved.current = true;
        const next =
          b && now[1] ? pinchView(start.view, [a, b], [now[0]!, now[1]]) : { ...start.view, x: start.view.x + now[0]!.x - a.x, y: start.view.y + now[0]!.y - a.y };
        setView(clampView(next, width, height));
      },
      onPointerUp(event: PointerEvent) {
        if (!pointers.current.delete(event.pointerId)) return;
        restart(view);
        if (pointers.current.size > 0 || moved.current) return;
        const { point, width, height } = local(event);
        const previous = lastTap.current;
        if (previous && event.timeStamp - previous.at < DOUBLE_TAP_MS && Math.hypot(point.x - previous.point.x, point.y - previous.point.y) < TAP_SLOP * 3) {
          lastTap.current = null;
          setView(view.scale > 1 ? FITTED : clampView(zoomAround(view, DOUBLE_TAP_SCALE, point), width, height));
        } else {
          lastTap.current = { at: event.timeStamp, point };
        }
      },
      onPointerCancel(event: PointerEvent) {
        pointers.current.delete(event.pointerId);
        restart(view);
      },
    },
  };
}
