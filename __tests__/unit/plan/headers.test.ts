import { checkCacheControl, checkContentType, parseRules } from '../../../src/plan/rules'
import {
  headersDigest,
  headersDigestWith,
  headersFor,
  headersFromHead
} from '../../../src/plan/headers'
import type { ObjectHeaders } from '../../../src/plan/types'

describe('headers', () => {
  const rules = {
    cacheControl: parseRules('cache-control', '*.html: no-cache', checkCacheControl),
    contentType: parseRules('content-type', 'feed: application/rss+xml', checkContentType)
  }

  test('rules override detection; settings apply to every object', () => {
    expect(headersFor('posts/index.html', rules, { acl: 'public-read' })).toEqual({
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'no-cache',
      acl: 'public-read'
    })
    expect(headersFor('feed', rules, {})).toEqual({ contentType: 'application/rss+xml' })
    expect(headersFor('app.wasm', rules, {})).toEqual({ contentType: 'application/wasm' })
  })

  test('the digest changes with any header', () => {
    const base = { contentType: 'text/html' }
    const digests = [
      base,
      { ...base, cacheControl: 'no-cache' },
      { ...base, contentType: 'text/plain' },
      { ...base, acl: 'public-read' },
      { ...base, storageClass: 'STANDARD_IA' },
      { ...base, sse: 'AES256' }
    ].map(h => headersDigest(h))
    expect(new Set(digests).size).toBe(digests.length)
  })

  test('the digests the first release stored stay valid (state objects hold them)', () => {
    // Computed by 1.0.0: sha256 of JSON [contentType, cacheControl, acl, storageClass, sse,
    // sseKmsKeyId] with '' for unset, first 16 hex digits.
    expect(
      headersDigest({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' })
    ).toBe('83af171f9f586446')
    expect(
      headersDigest({
        contentType: 'text/css; charset=utf-8',
        cacheControl: 'public, max-age=31536000, immutable',
        storageClass: 'STANDARD_IA',
        sse: 'aws:kms',
        sseKmsKeyId: 'alias/site'
      })
    ).toBe('b43100801c84af03')
  })

  test('a header field added later changes no digest while it is unset, and every digest once set', () => {
    const samples: ObjectHeaders[] = [
      { contentType: 'text/html' },
      { contentType: 'text/css', cacheControl: 'max-age=60', acl: 'public-read' },
      { contentType: 'image/png', storageClass: 'STANDARD_IA', sse: 'aws:kms', sseKmsKeyId: 'k' }
    ]
    for (const h of samples) {
      expect(headersDigestWith(h, ['contentEncoding'])).toBe(headersDigest(h))
      expect(headersDigestWith(h, ['contentEncoding', 'contentLanguage'])).toBe(headersDigest(h))
      const withEncoding = { ...h, contentEncoding: 'gzip' } as ObjectHeaders
      expect(headersDigestWith(withEncoding, ['contentEncoding'])).not.toBe(headersDigest(h))
      expect(headersDigestWith(withEncoding, ['contentEncoding', 'contentLanguage'])).toBe(
        headersDigestWith(withEncoding, ['contentEncoding'])
      )
    }
  })

  test('from HEAD, settings not asked for are not compared (S3 encrypts by default)', () => {
    const desired = { contentType: 'text/css', cacheControl: 'max-age=60' }
    const head = {
      ContentType: 'text/css',
      CacheControl: 'max-age=60',
      ServerSideEncryption: 'AES256',
      StorageClass: undefined
    }
    expect(headersDigest(headersFromHead(head, desired))).toBe(headersDigest(desired))
    const wanted = { ...desired, storageClass: 'STANDARD_IA', sse: 'aws:kms', sseKmsKeyId: 'k1' }
    const actual = headersFromHead(
      {
        ...head,
        StorageClass: 'STANDARD_IA',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:eu-west-1:1:key/k1'
      },
      wanted
    )
    expect(headersDigest(actual)).toBe(headersDigest(wanted))
    expect(headersDigest(headersFromHead({ ...head, StorageClass: undefined }, wanted))).not.toBe(
      headersDigest(wanted)
    )
  })

  test("Content-Encoding: the type stays the original's; HEAD reads it back; it counts in the digest", () => {
    const gzipped = headersFor('posts/index.html', rules, {}, 'gzip')
    expect(gzipped).toEqual({
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'no-cache',
      contentEncoding: 'gzip'
    })
    const plain = headersFor('posts/index.html', rules, {})
    expect(headersDigest(gzipped)).not.toBe(headersDigest(plain))
    const head = { ContentType: 'text/html; charset=utf-8', CacheControl: 'no-cache' }
    expect(headersDigest(headersFromHead({ ...head, ContentEncoding: 'gzip' }, gzipped))).toBe(
      headersDigest(gzipped)
    )
    // An object stored encoded that should not be is told apart, and the other way round.
    expect(headersDigest(headersFromHead({ ...head, ContentEncoding: 'gzip' }, plain))).not.toBe(
      headersDigest(plain)
    )
    expect(headersDigest(headersFromHead(head, gzipped))).not.toBe(headersDigest(gzipped))
  })
})
