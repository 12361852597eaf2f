/** A file of the source, hashed and mapped to its key. */
export interface SourceFile {
  key: string
  relPath: string
  absPath: string
  size: number
  /** Hex MD5 of the content. */
  md5: string
  contentType: string
}

/** An object as ListObjectsV2 reports it. */
export interface RemoteObject {
  key: string
  /** ETag without quotes, lower case. A plain MD5 only for single-part, non-KMS uploads. */
  etag: string
  size: number
}

export type UploadReason = 'new' | 'changed'

export interface PlannedUpload {
  file: SourceFile
  reason: UploadReason
}

/** What a deploy will do, as a plain value: printable (dry run), testable, executable. */
export interface SyncPlan {
  /** Assets first, HTML pages last, so a new page never links to an asset not yet uploaded. */
  uploads: PlannedUpload[]
  /** Keys to delete, only after every upload succeeded. */
  deletes: string[]
  unchanged: SourceFile[]
}
