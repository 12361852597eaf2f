import { createHash } from 'node:crypto'
import { contentTypeFor } from './content-type'
import { firstMatch, type Rule } from './rules'
import type { ObjectHeaders, ObjectSettings } from './types'
import type { Encoding } from './compress'

export interface HeaderRules {
  cacheControl: readonly Rule[]
  contentType: readonly Rule[]
}

/**
 * The headers a file gets: rules first (first match wins), then detection for Content-Type,
 * which stays the original's when the object is stored compressed (`contentEncoding`, from
 * compress.ts's storageFor).
 */
export function headersFor(
  relPath: string,
  rules: HeaderRules,
  settings: ObjectSettings,
  contentEncoding?: Encoding
): ObjectHeaders {
  const cacheControl = firstMatch(rules.cacheControl, relPath)
  return {
    contentType: firstMatch(rules.contentType, relPath) ?? contentTypeFor(relPath),
    ...(cacheControl === undefined ? {} : { cacheControl }),
    ...(contentEncoding === undefined ? {} : { contentEncoding }),
    ...settings
  }
}

/**
 * The digest a state object records per file, to notice a header-only change. Stored digests
 * must stay valid across releases, or every object would be copied and invalidated again:
 * - these six fields were digested from the first release, always, '' when unset: never
 *   reorder them;
 * - a header field added since goes in ADDED_FIELDS, and counts only when set, so adding one
 *   leaves the digest of every object that does not use it as it was.
 */
const FIRST_FIELDS = [
  'contentType',
  'cacheControl',
  'acl',
  'storageClass',
  'sse',
  'sseKmsKeyId'
] as const satisfies readonly (keyof ObjectHeaders)[]

/** Header fields added after the first release, appended in the order they were added. */
const ADDED_FIELDS: readonly (keyof ObjectHeaders)[] = ['contentEncoding']

export function headersDigest(h: ObjectHeaders): string {
  return headersDigestWith(h, ADDED_FIELDS)
}

/** headersDigest with a given list of added fields (for tests of fields not added yet). */
export function headersDigestWith(h: ObjectHeaders, added: readonly string[]): string {
  const value = (field: string) => (h as unknown as Record<string, string | undefined>)[field]
  const values: string[] = FIRST_FIELDS.map(f => value(f) ?? '')
  for (const field of added) {
    const v = value(field)
    if (v !== undefined && v !== '') values.push(`${field}=${v}`)
  }
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16)
}

export interface HeadResult {
  ContentType?: string
  CacheControl?: string
  ContentEncoding?: string
  StorageClass?: string
  ServerSideEncryption?: string
  SSEKMSKeyId?: string
}

/**
 * The headers an existing object has, as far as HEAD shows them, in the shape of `desired`:
 * settings the inputs do not ask for are not compared (S3 encrypts every new object with AES256
 * by default; ACLs are not in HEAD), so they never cause an update.
 */
export function headersFromHead(head: HeadResult, desired: ObjectHeaders): ObjectHeaders {
  return {
    contentType: head.ContentType ?? '',
    ...(head.CacheControl === undefined ? {} : { cacheControl: head.CacheControl }),
    // Whatever the object has: an encoding the file no longer wants is a change too.
    ...(head.ContentEncoding ? { contentEncoding: head.ContentEncoding as Encoding } : {}),
    ...(desired.acl === undefined ? {} : { acl: desired.acl }),
    ...(desired.storageClass === undefined
      ? {}
      : { storageClass: head.StorageClass ?? 'STANDARD' }),
    ...(desired.sse === undefined ? {} : { sse: head.ServerSideEncryption ?? '' }),
    ...(desired.sseKmsKeyId === undefined
      ? {}
      : { sseKmsKeyId: kmsKeyMatches(head.SSEKMSKeyId, desired.sseKmsKeyId) })
  }
}

/** HEAD gives the key's ARN; the input may be its ID, its ARN or an alias we cannot resolve. */
function kmsKeyMatches(actual: string | undefined, desired: string): string {
  if (actual === undefined) return ''
  return actual === desired || actual.endsWith(`:key/${desired}`) || desired.startsWith('alias/')
    ? desired
    : actual
}
