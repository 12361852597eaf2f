/**
 * File names as bytes. S3 keys are UTF-8; a name that is not (a Latin-1 `caf\xe9.html` unpacked
 * from an old archive) has no key, and reads in Node as another name, with U+FFFD in it.
 */

/** A name in the source that is not valid UTF-8. */
export interface NonUtf8Name {
  /** The folder it is in, relative to the source ('' for the source itself). */
  folder: string
  bytes: Uint8Array
}

/** Length of the well-formed UTF-8 sequence at `i` (no overlongs, surrogates or > U+10FFFF), or 0. */
function sequenceAt(bytes: Uint8Array, i: number): number {
  const b = bytes[i] as number
  if (b < 0x80) return 1
  const cont = (j: number, lo = 0x80, hi = 0xbf) => {
    const c = bytes[i + j]
    return c !== undefined && c >= lo && c <= hi
  }
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
  if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
  return 0
}

/** Whether the bytes are well-formed UTF-8, which S3 requires of a key. */
export function isUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length;) {
    const n = sequenceAt(bytes, i)
    if (n === 0) return false
    i += n
  }
  return true
}

const hex = (byte: number) => `\\x${byte.toString(16).padStart(2, '0')}`

/**
 * A name for people and shells: UTF-8 as text, any other byte (and control characters) as
 * `\xHH`, and `\` and `'` escaped, so it pastes into bash's `$'…'` quoting as the very bytes.
 */
export function escapeName(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length;) {
    const n = sequenceAt(bytes, i)
    if (n === 0) {
      out += hex(bytes[i] as number)
      i++
      continue
    }
    const b = bytes[i] as number
    if (n === 1 && (b < 0x20 || b === 0x7f)) out += hex(b)
    else if (b === 0x5c) out += '\\\\'
    else if (b === 0x27) out += "\\'"
    else out += new TextDecoder().decode(bytes.subarray(i, i + n))
    i += n
  }
  return out
}

/** How many names a refusal shows; the rest are counted. */
const NAMED = 5

/** The refusal: each name escaped, by folder, and how to rename it. */
export function describeNonUtf8Names(source: string, names: readonly NonUtf8Name[]): string {
  const byFolder = new Map<string, string[]>()
  for (const name of names.slice(0, NAMED)) {
    const list = byFolder.get(name.folder) ?? []
    list.push(escapeName(name.bytes))
    byFolder.set(name.folder, list)
  }
  const shown = [...byFolder]
    .map(
      ([folder, list]) =>
        `in ${folder === '' ? 'the top folder' : `folder '${folder}'`}: ${list.join(', ')}`
    )
    .join('; ')
  const more = names.length > NAMED ? `; and ${names.length - NAMED} more` : ''
  const one = names.length === 1
  const first = names[0] as NonUtf8Name
  const text = (s: string) => escapeName(new TextEncoder().encode(s))
  const folder = `${text(source)}/${first.folder === '' ? '' : `${text(first.folder)}/`}`
  return `Input 'source' has ${names.length} ${one ? 'name that is' : 'names that are'} not valid UTF-8 (other bytes shown as \\xHH), and S3 keys must be UTF-8: ${shown}${more}. Nothing was changed. Rename ${one ? 'it' : 'them'} to UTF-8, e.g. mv $'${folder}${escapeName(first.bytes)}' $'${folder}'<new name> (a whole tree: convmv -f <its character set, e.g. latin1> -t utf8 -r --notest ${source}).`
}

/** Files whose names differ only in Unicode normalization, and so would share one key. */
export interface NameClash {
  /** The path they would be published at (NFC), relative to the source. */
  relPath: string
  /** Their paths on disk, relative to the source. */
  onDisk: string[]
}

/** Text for bash's and zsh's `$'…'`: printable ASCII as itself, anything else as \uHHHH. */
function escapeCodePoints(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0) as number
    if (char === '\\' || char === "'") out += `\\${char}`
    else if (code >= 0x20 && code < 0x7f) out += char
    else if (code > 0xffff) out += `\\U${code.toString(16).padStart(8, '0')}`
    else out += `\\u${code.toString(16).padStart(4, '0')}`
  }
  return out
}

/** The refusal: each key with the names on disk that would share it, and how to keep one. */
export function describeNameClashes(source: string, clashes: readonly NameClash[]): string {
  const shown = clashes
    .slice(0, NAMED)
    .map(
      c =>
        `'${c.relPath}' from ${c.onDisk.map(disk => `$'${escapeCodePoints(disk)}'`).join(' and ')}`
    )
    .join('; ')
  const more = clashes.length > NAMED ? `; and ${clashes.length - NAMED} more` : ''
  const first = clashes[0] as NameClash
  const drop = first.onDisk.find(disk => disk !== first.relPath) as string
  return `Input 'source' has files whose names differ only in Unicode normalization (an accent stored composed, NFC, or decomposed, NFD), which would be published at one S3 key, as names are published composed (NFC) on macOS: ${shown}${more}. Nothing was changed. Keep one file of each, e.g. rm $'${escapeCodePoints(source)}/${escapeCodePoints(drop)}'.`
}
