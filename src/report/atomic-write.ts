import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ReportWriteError } from './report-error.ts';

/**
 * Writes `data` (text, bytes, or parts of it in order) to `path` so that readers see either the old file
 * or the complete new one, never a half file: write a temporary file in the same directory (rename is
 * only atomic within a filesystem), fsync it, then rename it over the target. Creates missing parent
 * directories. On failure the temporary file is removed and a ReportWriteError naming `path` is thrown.
 * `mode` sets the file's permissions (0o600 for files that may hold secrets); by default they are 0o666
 * less the umask, as for any new file.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: { mode?: number } = {},
): Promise<void> {
  const target = resolve(path);
  const directory = dirname(target);
  const temporary = join(
    directory,
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new ReportWriteError(path, error);
  }
  let handle: FileHandle | undefined;
  try {
    // 'wx': fail rather than share a temporary name with a concurrent writer.
    handle = await open(temporary, 'wx', options.mode ?? 0o666);
    // The umask can only remove bits; chmod makes the mode exact before any byte is written.
    if (options.mode !== undefined) await handle.chmod(options.mode);
    // On a handle, each writeFile writes all it is given from where the last one ended.
    for (const part of typeof data === 'string' || data instanceof Uint8Array ? [data] : data) {
      await handle.writeFile(part);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, target);
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(temporary, { force: true }).catch(() => {});
    throw new ReportWriteError(path, error);
  }
  await syncDirectory(directory);
}

/** Makes the rename itself durable. Best effort: some platforms cannot open or fsync a directory. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // The file is complete and in place; only durability across a power loss is weaker.
  } finally {
    await handle?.close().catch(() => {});
  }
}
