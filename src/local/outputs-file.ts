import * as path from 'node:path'
import { open, stat, unlink, writeFile } from 'node:fs/promises'
import { InputError } from '../config/input-error'

/** `ENOENT: no such file or directory`: the reason of a file system error, without its path. */
function reason(err: unknown): string {
  const message = (err as { message?: unknown }).message
  const text = typeof message === 'string' ? message : String(err)
  return text.split(', ')[0] ?? text
}

/** Why a file cannot be written, as probeWritable finds it. */
export type Unwritable =
  | { kind: 'is-folder' }
  | { kind: 'no-folder'; folder: string }
  | { kind: 'not-folder'; folder: string }
  | { kind: 'unwritable'; folder: string; existed: boolean; reason: string }

/**
 * Whether the job can write `file`, found before any request, so a deploy never changes the
 * bucket and then fails for want of a file: it is opened for appending (which changes nothing
 * in one that exists, and is what the write will need, whoever runs it), and removed again if
 * this made it. Undefined when it can be written.
 */
export async function probeWritable(file: string): Promise<Unwritable | undefined> {
  const folder = path.dirname(file)
  const existing = await stat(file).catch(() => undefined)
  if (existing?.isDirectory()) return { kind: 'is-folder' }
  try {
    const handle = await open(file, 'a')
    await handle.close()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const inFolder = await stat(folder).catch(() => undefined)
    if (code === 'ENOENT' && !inFolder) return { kind: 'no-folder', folder }
    if (code === 'ENOTDIR' || (inFolder && !inFolder.isDirectory())) {
      return { kind: 'not-folder', folder }
    }
    return { kind: 'unwritable', folder, existed: !!existing, reason: reason(err) }
  }
  if (!existing) await unlink(file).catch(() => undefined)
  return undefined
}

/** `outputs-file`, checked before any request (probeWritable). */
export async function checkOutputsFile(file: string): Promise<void> {
  const problem = await probeWritable(file)
  if (!problem) return
  const why =
    problem.kind === 'is-folder'
      ? 'that is a folder; give a file name in it, e.g. deploy.env'
      : problem.kind === 'no-folder'
        ? `its folder '${problem.folder}' does not exist; create it first (mkdir -p)`
        : problem.kind === 'not-folder'
          ? `part of its folder '${problem.folder}' is a file, not a folder`
          : `it cannot be written (${problem.reason})`
  throw new InputError(
    `Input 'outputs-file' must be a file the job can write, got '${file}': ${why}.`
  )
}

/**
 * Writes the outputs; once a deploy has changed the bucket, a failure here is reported as the
 * outputs missing, with the deploy done: this message says why.
 */
export async function writeOutputsFile(file: string, text: string): Promise<string | undefined> {
  try {
    await writeFile(file, text)
    return undefined
  } catch (err) {
    return `Input 'outputs-file': could not write '${file}' (${reason(err)})`
  }
}
