import type { DeployConfig } from '../config/config'
import type { DeployDeps, DeployResult } from './context'
import { updateHeaders, uploadFile } from '../aws/upload'
import { isPage } from '../plan/diff'
import { formatBytes } from '../plan/format'
import type { SourceFile, SyncPlan } from '../plan/types'
import { attempt } from '../aws/step-error'
import { bucketOperation } from '../aws/explain'
import { forEachLimit } from '../util/pool'
import { startProgress } from '../util/progress'
import type { FileContents } from '../local/contents'

/**
 * Asked before each write: throws when this deploy may no longer write (lock lost, cancelled);
 * every write carries its signal, so one in flight stops too.
 */
export interface WriteGuard {
  check(): void
  readonly signal?: AbortSignal
}

/**
 * Release mode: unchanged files are copied server-side into the new release from where the live
 * one has them (`from(key)`), and header updates come from there too.
 */
export interface ReleaseCopies {
  from: (key: string) => string
  unchanged: readonly SourceFile[]
}

/**
 * Uploads new and changed files and updates headers in place (or, in release mode, copies the
 * rest from the live release), in two waves: every asset is in place before the first page that
 * may link to it. The first failure stops new requests.
 */
export async function writeObjects(
  config: DeployConfig,
  { s3, log, progressIntervalMs }: DeployDeps,
  plan: SyncPlan,
  result: DeployResult,
  guard: WriteGuard = { check: () => undefined },
  /** Bytes kept from hashing: uploaded as they are, not read again. */
  contents?: FileContents,
  copies?: ReleaseCopies
) {
  const work = [
    ...plan.uploads.map(u => ({ file: u.file, headersOnly: false, copy: false })),
    ...plan.updates.map(file => ({ file, headersOnly: true, copy: false })),
    ...(copies?.unchanged ?? []).map(file => ({ file, headersOnly: true, copy: true }))
  ]
  if (work.length === 0) return
  const title = [
    plan.uploads.length ? `Upload ${plan.uploads.length} file(s)` : '',
    plan.updates.length ? `update headers of ${plan.updates.length}` : '',
    copies?.unchanged.length ? `copy ${copies.unchanged.length} unchanged` : ''
  ]
    .filter(Boolean)
    .join(', ')
  await log.group(title.charAt(0).toUpperCase() + title.slice(1), async () => {
    const total = plan.uploads.reduce((sum, u) => sum + u.file.size, 0)
    let bytes = 0
    let copied = 0
    const progress = startProgress(
      'Progress',
      work.length,
      total,
      line => log.info(line),
      progressIntervalMs
    )
    const permission = [
      config.settings.acl ? 's3:PutObject and s3:PutObjectAcl' : 's3:PutObject',
      config.settings.sse?.startsWith('aws:kms') ? ' (and kms:GenerateDataKey on the key)' : ''
    ].join('')
    // Files compressed on upload: their bytes in the build, and as stored.
    const compressed = { files: 0, raw: 0, stored: 0 }
    const write = async (file: SourceFile, headersOnly: boolean, copy: boolean) => {
      guard.check()
      result.changedAnything = true
      const what = bucketOperation(
        config,
        headersOnly && copies
          ? `Failed to copy s3://${config.bucket}/${copies.from(file.key)} to ${file.key}`
          : headersOnly
            ? `Failed to update the headers of s3://${config.bucket}/${file.key}`
            : `Failed to upload ${file.relPath} to s3://${config.bucket}/${file.key}`,
        headersOnly ? `${permission} and s3:GetObject` : permission,
        `arn:aws:s3:::${config.bucket}/${config.prefix}*`
      )
      if (headersOnly) {
        const etag = await attempt(
          what,
          updateHeaders(s3, config.bucket, file, guard.signal, copies?.from(file.key))
        )
        result.written.push({ file, etag, ...(copy ? { copied: true } : {}) })
        if (copy) copied++
        else result.updated++
        progress.add(0)
        return
      }
      const stored = await attempt(
        what,
        uploadFile(s3, config.bucket, file, contents?.take(file.key), guard.signal)
      )
      result.written.push({ file, ...stored })
      result.uploaded++
      bytes += file.size
      if (file.compress) {
        compressed.files++
        compressed.raw += file.size
        compressed.stored += stored.size
      }
      progress.add(file.size)
    }
    try {
      for (const pages of [false, true]) {
        const wave = work.filter(w => isPage(w.file.key) === pages)
        await forEachLimit(wave, config.concurrency, w => write(w.file, w.headersOnly, w.copy))
      }
    } finally {
      progress.stop()
    }
    const parts = [
      `Uploaded ${result.uploaded} file(s), ${formatBytes(bytes)} of ${formatBytes(total)}`
    ]
    if (compressed.files) {
      parts.push(
        `${compressed.files} compressed from ${formatBytes(compressed.raw)} to ${formatBytes(compressed.stored)}`
      )
    }
    if (plan.updates.length) parts.push(`updated the headers of ${result.updated}`)
    if (copies?.unchanged.length) parts.push(`copied ${copied} unchanged server-side`)
    log.info(parts.join('; '))
  })
}
