import { readFileSync } from 'node:fs'
import * as path from 'node:path'

/** The repository's root folder. */
export const ROOT = path.resolve(__dirname, '../..')

/** A file of the repository, by its path from the root ('/'-separated). */
export function readRepoFile(rel: string): string {
  return readFileSync(path.join(ROOT, ...rel.split('/')), 'utf8')
}
