import type { CompressionNotes } from './compress'
import { MAX_COMPRESSED_SIZE } from './compress'
import { formatBytes } from './format'

/** At most this many names in one line. */
const NAMED = 5

const names = (items: readonly string[]) =>
  items.slice(0, NAMED).join(', ') + (items.length > NAMED ? `, … (${items.length} in all)` : '')

/** What `compress` and `precompressed` make of the source, as log lines. */
export function describeCompression(notes: CompressionNotes): string[] {
  const lines: string[] = []
  if (notes.siblings > 0) {
    const { gzip, br } = notes.precompressed
    lines.push(
      `Precompressed: ${gzip + br} file(s) stored from a sibling (${gzip} .gz, ${br} .br); ${notes.siblings} sibling(s) not published on their own.`
    )
  }
  if (notes.compressed > 0) {
    lines.push(
      `compress: ${notes.compressed} file(s) stored compressed; each is compressed only when it is uploaded.`
    )
  }
  return lines
}

/** What in the `compress` rules deserves a second look, as warnings. */
export function compressionWarnings(notes: CompressionNotes): string[] {
  const warnings: string[] = []
  for (const [rule, { files, types }] of notes.compressedTypes) {
    warnings.push(
      `Input 'compress' line ${rule.line} ('${rule.pattern}: ${rule.value}') matches ${files} file(s) of types that are already compressed (${[...types].sort().join(', ')}): compressing them again saves next to nothing, and costs CPU on every upload and in every browser. Narrow the pattern (e.g. '*.{html,css,js,json,svg}: ${rule.value}'), or put a line 'PATTERN: identity' before it.`
    )
  }
  if (notes.tooLarge.length > 0) {
    warnings.push(
      `Input 'compress': ${notes.tooLarge.length} file(s) above ${formatBytes(MAX_COMPRESSED_SIZE)} are stored as they are, uncompressed (only smaller files are compressed on upload): ${names(notes.tooLarge)}. Compress them in the build and set precompressed: true, or exclude them with a line 'PATTERN: identity'.`
    )
  }
  return warnings
}
