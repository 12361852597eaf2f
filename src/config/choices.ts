/**
 * The values a choice-valued input accepts: its parser checks against them, and the input table
 * lists them from here (descriptions and --help), so the two never differ.
 */

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control'
] as const

/** Classes a website can be served from: archive classes need a restore before any GET. */
export const STORAGE_CLASSES = [
  'STANDARD',
  'INTELLIGENT_TIERING',
  'STANDARD_IA',
  'ONEZONE_IA',
  'GLACIER_IR',
  'REDUCED_REDUNDANCY'
] as const

/** Archive classes: refused with their own reason. */
export const ARCHIVE_STORAGE_CLASSES = ['GLACIER', 'DEEP_ARCHIVE'] as const

/** As S3 spells them (x-amz-server-side-encryption); any case is accepted. */
export const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const

export const OUTSIDE_SYMLINKS = ['skip', 'fail'] as const

/** The words a boolean input accepts, in any case. */
export const TRUE_WORDS = ['true', 'yes', 'on', '1'] as const
export const FALSE_WORDS = ['false', 'no', 'off', '0'] as const

/** `a, b or c`, for a message. */
export function orList(values: readonly string[]): string {
  return values.length < 2
    ? (values[0] ?? '')
    : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`
}

/** `` `a`, `b` or `c` `` (Markdown), for a description. */
export function oneOf(values: readonly string[]): string {
  return orList(values.map(v => `\`${v}\``))
}

/** `a|b|c`, for --help's value placeholder. */
export function alternatives(values: readonly string[]): string {
  return values.join('|')
}
