import type { Mark } from '../task-timeline.js';

/**
 * Rings where the agent clicked, drawn over a screenshot whose box they share. Positions are
 * fractions of the image, so they sit right on the preview and on the zoomed full-size image; a
 * number tells several apart.
 */
export function ClickMarks({ marks }: { marks: Mark[] }) {
  return (
    <>
      {marks.map((mark) => (
        <span key={mark.n} class="mark" style={{ left: `${mark.x * 100}%`, top: `${mark.y * 100}%` }} data-action={mark.n} aria-hidden="true">
          {marks.length > 1 && <span class="mark__n">{mark.n}</span>}
        </span>
      ))}
    </>
  );
}

/** "with the click marked", for a screenshot's alt text. */
export function marksText(marks: Mark[]): string {
  if (marks.length === 0) return '';
  return marks.length === 1 ? ', with where it clicked marked' : `, with the ${marks.length} places it clicked marked and numbered`;
}
