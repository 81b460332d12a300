import { ToolRefusal } from '../tool-refusal.js';

/**
 * A document that cannot be read as it is (damaged, password-protected, too large, a zip bomb).
 * Its message is for the model: it says what is wrong with the file and what to do instead, and
 * it comes back as an `is_error` result like every other {@link ToolRefusal}.
 */
export class DocumentRefusal extends ToolRefusal {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentRefusal';
  }
}

/** Bytes as a person reads them: `2.4 MB`, `812 KB`, `90 bytes`. */
export function humanBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** The refusal for a document that needs a password to open. */
export function passwordProtected(file: string): DocumentRefusal {
  return new DocumentRefusal(`${file} is password-protected, so it cannot be read here. Ask the person for a copy without a password.`);
}
