import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/**
 * What the agent said or thought before a step, in its words, clamped to a few lines with a
 * "More" button that appears only when there is more to read.
 */
export function Narration({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const [overflows, setOverflows] = useState(false);
  const body = useRef<HTMLParagraphElement>(null);

  useLayoutEffect(() => {
    const element = body.current;
    if (element && !open) setOverflows(element.scrollHeight > element.clientHeight + 1);
  }, [text, open]);

  return (
    <div class="narration">
      <p ref={body} class={`narration__text${open ? '' : ' narration__text--clamped'}`}>
        {text}
      </p>
      {(overflows || open) && (
        <button type="button" class="button button--small button--ghost narration__more" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Less' : 'More'}
        </button>
      )}
    </div>
  );
}
