import { createHash } from 'node:crypto'
import { contentTypeFor } from './content-type'
import { firstMatch, type Rule } from './rules'
import type { ObjectHeaders, ObjectSettings } from './types'

export interface HeaderRules {
  cacheControl: readonly Rule[]
  contentType: readonly Rule[]
}

/** The headers a file gets: rules first (first match wins), then detection for Content-Type. */
export function headersFor(
  relPath: string,
  rules: HeaderRules,
  settings: ObjectSettings
): ObjectHeaders {
  const cacheControl = firstMatch(rules.cacheControl, relPath)
  return {
    contentType: firstMatch(rules.contentType, relPath) ?? contentTypeFor(relPath),
    ...(cacheControl === undefined ? {} : { cacheControl }),
    ...settings
  }
}

export function headersDigest(h: ObjectHeaders): string {
  const fields = [h.contentType, h.cacheControl, h.acl, h.storageClass, h.sse, h.sseKmsKeyId]
  return createHash('sha256')
    .update(JSON.stringify(fields.map(f => f ?? '')))
    .digest('hex')
    .slice(0, 16)
}

export interface HeadResult {
  ContentType?: string
  CacheControl?: string
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
