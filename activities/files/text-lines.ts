/**
 * Line arithmetic of the text editor: lines as the model counts them (1-based, a final newline
 * ends the last line), and numbered excerpts it reads back.
 */

/** How many unchanged lines a snippet shows around an edit. */
const SNIPPET_CONTEXT_LINES = 4;

/** Lines of a text; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines `start`..`end` (1-based, inclusive) prefixed with their numbers, as `view` shows them. */
export function numbered(lines: string[], start: number, end: number): string {
  return lines
    .slice(start - 1, end)
    .map((line, index) => `${String(start + index).padStart(6)}\t${line}`)
    .join('\n');
}

/** The 1-based line on which `offset` lies. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}

/** The line of each occurrence of `needle`, overlapping ones included. */
export function occurrenceLines(text: string, needle: string): number[] {
  const lines: number[] = [];
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + 1)) {
    lines.push(lineOf(text, index));
  }
  return lines;
}

/** The changed lines with a little context, numbered, so the model can check its edit. */
export function snippet(text: string, firstChanged: number, lastChanged: number): string {
  const lines = splitLines(text);
  const start = Math.max(1, firstChanged - SNIPPET_CONTEXT_LINES);
  const end = Math.min(lines.length, Math.max(firstChanged, lastChanged) + SNIPPET_CONTEXT_LINES);
  return end >= start ? `Lines ${start}-${end} now read:\n${numbered(lines, start, end)}` : 'The file is now empty.';
}

