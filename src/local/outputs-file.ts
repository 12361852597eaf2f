import * as path from 'node:path'
import { open, stat, unlink, writeFile } from 'node:fs/promises'
import { InputError } from '../config/input-error'

/** `ENOENT: no such file or directory`: the reason of a file system error, without its path. */
function reason(err: unknown): string {
  const message = (err as { message?: unknown }).message
  const text = typeof message === 'string' ? message : String(err)
  return text.split(', ')[0] ?? text
}

/**
 * `outputs-file`, checked before any request: its folder must exist and the file be writable,
 * or a deploy would change the bucket and then fail for want of a file. The file is opened for
 * appending (which changes nothing in one that exists), and removed again if this made it.
 */
export async function checkOutputsFile(file: string): Promise<void> {
  const folder = path.dirname(file)
  const refuse = (why: string) =>
    new InputError(`Input 'outputs-file' must be a file the job can write, got '${file}': ${why}.`)
  const existing = await stat(file).catch(() => undefined)
  if (existing?.isDirectory()) {
    throw refuse('that is a folder; give a file name in it, e.g. deploy.env')
  }
  let created = false
  try {
    const handle = await open(file, 'a')
    created = !existing
    await handle.close()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const inFolder = await stat(folder).catch(() => undefined)
    if (code === 'ENOENT' && !inFolder) {
      throw refuse(`its folder '${folder}' does not exist; create it first (mkdir -p)`)
    }
    if (code === 'ENOTDIR' || (inFolder && !inFolder.isDirectory())) {
      throw refuse(`part of its folder '${folder}' is a file, not a folder`)
    }
    throw refuse(`it cannot be written (${reason(err)})`)
  }
  if (created) await unlink(file).catch(() => undefined)
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
