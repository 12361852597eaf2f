import { formatCount } from './format'

/** The S3 key of a file: prefix + '/'-separated relative path (never path.join: Windows). */
export function keyFor(prefix: string, relPath: string): string {
  return prefix + relPath
}

/** S3 refuses a longer key (KeyTooLongError), but only when that one object is written. */
export const MAX_KEY_BYTES = 1024

/** Length in bytes of `text` encoded as UTF-8, as S3 counts a key. */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      // A surrogate pair is one code point of 4 bytes; a lone surrogate is written as U+FFFD (3).
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

export interface LongKey {
  relPath: string
  key: string
  bytes: number
}

/** The files whose key is over S3's limit, in the order given. */
export function tooLongKeys(files: Iterable<{ relPath: string; key: string }>): LongKey[] {
  const long: LongKey[] = []
  for (const { relPath, key } of files) {
    // No UTF-16 unit takes more than 3 bytes: most keys need no counting.
    if (key.length * 3 <= MAX_KEY_BYTES) continue
    const bytes = utf8Length(key)
    if (bytes > MAX_KEY_BYTES) long.push({ relPath, key, bytes })
  }
  return long
}

/** How many offending files a refusal names; the rest are counted. */
const NAMED = 5

/**
 * The refusal for keys over the limit: the first few files (long paths shortened in the middle,
 * keeping both ends), each with its length, and what to do.
 */
export function describeLongKeys(long: readonly LongKey[], prefix: string): string {
  const named = long
    .slice(0, NAMED)
    .map(k => `'${shorten(k.relPath)}' (${formatCount(k.bytes)} bytes)`)
  const more = long.length > NAMED ? `, and ${long.length - NAMED} more` : ''
  const prefixNote =
    prefix === '' ? '' : ` (the prefix '${prefix}' takes ${utf8Length(prefix)} of them)`
  return `Input 'source' has ${long.length} file(s) whose S3 key would be longer than the ${formatCount(MAX_KEY_BYTES)} bytes S3 allows (UTF-8, prefix included${prefixNote}): ${named.join(', ')}${more}. Nothing was changed. Shorten their paths${prefix === '' ? '' : ' or the prefix'}, or leave them out with 'exclude'.`
}

/** `aaaa…aaaa/index.html`: a path of thousands of characters, still recognisable. */
export function shorten(text: string, max = 120): string {
  const chars = [...text]
  if (chars.length <= max) return text
  const half = Math.floor((max - 1) / 2)
  return `${chars.slice(0, half).join('')}…${chars.slice(chars.length - half).join('')}`
}
