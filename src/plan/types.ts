import type { Encoding } from './compress'

/** Object settings from the inputs, the same for every object. */
export interface ObjectSettings {
  acl?: string
  storageClass?: string
  sse?: string
  sseKmsKeyId?: string
}

/** Everything the action sets on an object besides its content. */
export interface ObjectHeaders extends ObjectSettings {
  contentType: string
  cacheControl?: string
  /** Set when the object is stored compressed (`compress`, `precompressed`). */
  contentEncoding?: Encoding
}

/** A file of the source, hashed and mapped to its key. */
export interface SourceFile {
  key: string
  relPath: string
  absPath: string
  size: number
  /** Hex MD5 of the content read from disk (for a precompressed file, its sibling's). */
  md5: string
  /** Compressed on upload with this encoding; the MD5 and size stay the file's own. */
  compress?: Encoding
  /** The ETag a multipart upload of this file gets (files above the multipart threshold). */
  multipartEtag?: string
  /** Each part's MD5 (base64), for the Content-MD5 of its upload (files above the threshold). */
  partMd5s?: readonly string[]
  headers: ObjectHeaders
  /** Digest of `headers`: what the manifest records to notice a header-only change. */
  headersDigest: string
}

/** An object as ListObjectsV2 reports it. */
export interface RemoteObject {
  key: string
  /** ETag without quotes, lower case. A plain MD5 only for single-part, non-KMS uploads. */
  etag: string
  size: number
}

/** What is known of an object beyond the listing: from the manifest, or a HEAD request. */
export interface KnownState {
  /** Content MD5; undefined when it cannot be told. */
  md5?: string
  /** Digest of its headers; undefined when unknown. */
  headers?: string
}

export type UploadReason = 'new' | 'changed'

export interface PlannedUpload {
  file: SourceFile
  reason: UploadReason
}

/** An asset that left the build, kept for keep-removed-assets before it is deleted. */
export interface RemovedAsset {
  key: string
  /** Epoch seconds (S3's clock): when the first build without it went live. */
  removedAt: number
  /** Epoch seconds: from then on, the next deploy deletes it. */
  until: number
  /** This deploy is the first to find it gone: its clock starts when this build goes live. */
  firstGone?: boolean
}

/** What a deploy will do, as a plain value: printable (dry run), testable, executable. */
export interface SyncPlan {
  /** Content to upload: assets first, HTML pages last. */
  uploads: PlannedUpload[]
  /** Same content, new headers: updated in place (CopyObject), assets first. */
  updates: SourceFile[]
  /** Keys this deploy deletes, only after every upload and the invalidation succeeded. */
  deletes: string[]
  /** Removed assets still within their keep-removed-assets period: neither deleted nor invalidated. */
  kept: RemovedAsset[]
  /** Of `deletes`, the removed assets whose period is over: deleted, not invalidated. */
  expired: RemovedAsset[]
  unchanged: SourceFile[]
}
