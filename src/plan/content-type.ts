import { lookup } from 'mime-types'
import * as path from 'node:path'

/** Where mime-db's answer is not what a browser should get from a static site. */
const OVERRIDES: Record<string, string> = {
  cjs: 'text/javascript',
  map: 'application/json'
}

const DEFAULT_TYPE = 'application/octet-stream'

/** Textual types get `charset=utf-8`, so browsers never guess the encoding. */
function isTextual(type: string): boolean {
  return (
    type.startsWith('text/') ||
    /\+(xml|json)$/.test(type) ||
    ['application/json', 'application/xml', 'application/javascript'].includes(type)
  )
}

/** Content-Type of a file from its name (a maintained table, not the OS). */
export function contentTypeFor(relPath: string): string {
  const ext = path.posix.extname(relPath).slice(1).toLowerCase()
  const type = OVERRIDES[ext] ?? (ext === '' ? false : lookup(ext)) ?? false
  if (type === false) return DEFAULT_TYPE
  return isTextual(type) ? `${type}; charset=utf-8` : type
}
