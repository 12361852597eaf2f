// The S3 side of the inputs: the bucket, the prefix, the action's own keys under it, and how
// objects are written (ACL, storage class, encryption).
import { InputError, invalidInput } from './input-error'
import { parseChoice } from './parse'
import {
  ARCHIVE_STORAGE_CLASSES,
  CANNED_ACLS,
  orList,
  SSE_ALGORITHMS,
  STORAGE_CLASSES
} from './choices'
import type { RawInputs } from './read'
import type { ObjectSettings } from '../plan/types'
import { MAX_KEY_BYTES, utf8Length } from '../plan/keys'
import { formatCount } from '../plan/format'

export function validateBucket(bucket: string): void {
  if (/^s3:\/\//i.test(bucket) || bucket.includes('/')) {
    throw invalidInput(
      'bucket',
      bucket,
      'must be a bucket name only; put the folder in the "prefix" input (e.g. bucket: my-site, prefix: docs)'
    )
  }
  // Current rules are 3-63 lowercase characters; legacy buckets may also have capitals and '_'.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/.test(bucket)) {
    throw invalidInput('bucket', bucket, 'must be an S3 bucket name (letters, digits, ".", "-")')
  }
}

/** '' (unset: the bucket root), or a folder path normalised to `a/b/`. */
export function parsePrefix(value: string): string {
  if (value === '') return ''
  const trimmed = value.replace(/^\/+|\/+$/g, '')
  // Slashes alone name no folder: the root is asked for by leaving the prefix out, never by
  // a value that would publish at the root unnoticed.
  if (trimmed === '') {
    throw new InputError(
      `Input 'prefix' must be a folder path like "docs" or "site/v2", got '${value}', which names no folder: for the bucket root, leave prefix unset.`
    )
  }
  const parts = trimmed.split('/')
  if (parts.some(p => p === '' || p === '.' || p === '..') || trimmed.includes('\\')) {
    throw invalidInput(
      'prefix',
      value,
      'must be a folder path like "docs" or "site/v2" (no "//", "." or "..")'
    )
  }
  return `${trimmed}/`
}

export function parseManifestKey(value: string): string {
  const key = value.replace(/^\/+/, '')
  if (key === '' || key.endsWith('/') || key.split('/').some(p => p === '..' || p === '.')) {
    throw invalidInput(
      'manifest-key',
      value,
      'must be an object key under the prefix, such as .s3-cloudfront-deploy.json'
    )
  }
  return key
}

/** `.s3-cloudfront-deploy.json` → `.s3-cloudfront-deploy.lock`: obviously the action's own. */
export function lockKeyFor(manifestKey: string): string {
  const slash = manifestKey.lastIndexOf('/')
  const dot = manifestKey.lastIndexOf('.')
  const stem = dot > slash + 1 ? manifestKey.slice(0, dot) : manifestKey
  const key = `${stem}.lock`
  return key === manifestKey ? `${manifestKey}.lock` : key
}

/** The action's own keys, under the prefix, must fit S3's limit like every file's. */
export function checkKeyLength(prefix: string, ...keys: string[]): void {
  const bytes = Math.max(...keys.map(utf8Length))
  if (bytes <= MAX_KEY_BYTES) return
  throw new InputError(
    `Inputs 'prefix' and 'manifest-key' make the key of the state object ${formatCount(bytes)} bytes long, more than the ${formatCount(MAX_KEY_BYTES)} bytes S3 allows (UTF-8): shorten the prefix (${formatCount(utf8Length(prefix))} bytes) or manifest-key.`
  )
}

export function parseSettings(raw: RawInputs): ObjectSettings {
  const settings: ObjectSettings = {}
  if (raw.acl !== undefined) settings.acl = parseChoice('acl', raw.acl, CANNED_ACLS)
  if (raw['storage-class'] !== undefined) {
    const value = raw['storage-class'].toUpperCase()
    if ((ARCHIVE_STORAGE_CLASSES as readonly string[]).includes(value)) {
      throw invalidInput(
        'storage-class',
        raw['storage-class'],
        `cannot serve a website (objects need a restore before they can be read); use one of ${STORAGE_CLASSES.join(', ')}`
      )
    }
    settings.storageClass = parseChoice(
      'storage-class',
      value.toLowerCase(),
      STORAGE_CLASSES.map(c => c.toLowerCase())
    ).toUpperCase()
  }
  if (raw.sse !== undefined) {
    const given = raw.sse.toLowerCase()
    const sse = SSE_ALGORITHMS.find(a => a.toLowerCase() === given)
    if (!sse) throw invalidInput('sse', raw.sse, `must be ${orList(SSE_ALGORITHMS)}`)
    settings.sse = sse
  }
  if (raw['sse-kms-key-id'] !== undefined) {
    if (!settings.sse?.startsWith('aws:kms')) {
      throw new InputError(
        `Input 'sse-kms-key-id' needs 'sse: aws:kms' (or aws:kms:dsse): a KMS key is only used with KMS encryption.`
      )
    }
    settings.sseKmsKeyId = raw['sse-kms-key-id']
  }
  return settings
}

/** An http(s) URL with a host and nothing else: the store's own, not a bucket's or an object's. */
export function parseEndpoint(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    // refused below
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.hostname === '') {
    throw invalidInput(
      'endpoint',
      value,
      'must be the URL of an S3-compatible store, such as https://<account-id>.r2.cloudflarestorage.com'
    )
  }
  if (url.username || url.password) {
    throw new InputError(
      `Input 'endpoint' must not hold credentials: give them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`
    )
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw invalidInput(
      'endpoint',
      value,
      'must be the URL of the store alone, without a path (put the bucket in "bucket" and the folder in "prefix")'
    )
  }
  return url.origin
}
