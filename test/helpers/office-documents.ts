import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SCRIPT = fileURLToPath(new URL('./office-documents.py', import.meta.url));

/**
 * Writes the test documents into `folder` with office-documents.py: spreadsheets, Word and
 * OpenDocument files, slides, PDFs, a picture and the bad ones, each made by a program other than
 * OpenDispatch (openpyxl, XlsxWriter, python-docx, python-pptx, fpdf2, odfpy, xlwt,
 * msoffcrypto-tool; .ci/run installs them). Their known contents are listed in the script.
 */
export async function writeOfficeDocuments(folder: string): Promise<void> {
  try {
    await promisify(execFile)('python3', [SCRIPT, folder], { timeout: 120_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `office-documents.py failed${/ModuleNotFoundError/.test(stderr) ? ' (install its Python packages as .ci/run does)' : ''}:\n${stderr || String(error)}`,
    );
  }
}
