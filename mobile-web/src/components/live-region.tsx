/** A polite live region; present from the first render so screen readers pick up later changes. */
export function LiveRegion({ message }: { message: string }) {
  return (
    <div class="visually-hidden" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  );
}
