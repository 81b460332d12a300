import type { Desktop } from '../../../common/api-schemas.js';
import { desktopChoiceText } from '../desktop-names.js';

interface Props {
  /** Every desktop the phone knows, in the gateway's order; the picker shows only when there are two or more. */
  desktops: readonly Desktop[];
  /** The desktop shown as chosen; it must be one of `desktops` (see `pickDesktop`). */
  value: string | undefined;
  onChange: (id: string) => void;
}

/** Which desktop a task or schedule goes to, each named with its state: "Laptop — online, 1 running". */
export function DesktopPicker({ desktops, value, onChange }: Props) {
  if (desktops.length < 2) return null;
  return (
    <label class="field">
      <span class="field__label">Desktop</span>
      <select class="input" name="desktop" value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {desktops.map((desktop) => (
          <option key={desktop.id} value={desktop.id}>
            {desktopChoiceText(desktop, desktops)}
          </option>
        ))}
      </select>
    </label>
  );
}
