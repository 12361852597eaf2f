import { writeFile } from 'node:fs/promises'
import type { DeployConfig } from './config/config'
import { InputError } from './config/input-error'
import { probeWritable } from './local/outputs-file'
import type { Encoding } from './plan/compress'
import type { SourceFile } from './plan/types'
import type { DeployResult } from './steps/context'

/**
 * `changes-file`: a JSON report of what a deploy changed, key by key, for notifications, cache
 * warmers and audits. A real deploy reports what it did (a failed one, what it did before it
 * failed); a dry run what it would do. The format is docs/changes-file.md's.
 */
export const CHANGES_FORMAT = 1

export interface ChangedKey {
  key: string
  /** Bytes: the file's in the build (uploads, updates), the object's (deletions, kept). */
  size: number
  reason: string
  /** The object's Content-Encoding, when it is stored compressed. */
  encoding?: Encoding
  /** Bytes stored, for a file compressed on upload (not known in a dry run). */
  storedSize?: number
}

export interface KeptKey extends ChangedKey {
  /** ISO time the asset left the build. */
  removedAt: string
  /** ISO time from which the next deploy deletes it. */
  until: string
}

export interface ChangesReport {
  format: typeof CHANGES_FORMAT
  /** `deployed`, `removed` (the `remove` input), `rolled-back` (`rollback`), `dry-run`, or `failed`. */
  status: 'deployed' | 'removed' | 'rolled-back' | 'dry-run' | 'failed'
  bucket: string
  prefix: string
  /** Release mode: the release made live (or that would be, in a dry run); '' otherwise. */
  release: string
  /** Release mode: the old releases deleted by keep-releases. */
  retired: string[]
  uploaded: ChangedKey[]
  updated: ChangedKey[]
  deleted: ChangedKey[]
  kept: KeptKey[]
  /** Per distribution: the paths sent (and the invalidation), or in a dry run those that would be. */
  invalidations: { distributionId: string; paths: string[]; id?: string; status?: string }[]
}

/** The report of `result`: what was done, or in a dry run what would be. */
export function changesReport(
  config: DeployConfig,
  result: DeployResult,
  failed: boolean
): ChangesReport {
  const plan = result.plan
  const encoded = (file: SourceFile) =>
    file.headers.contentEncoding ? { encoding: file.headers.contentEncoding } : {}
  const sizeOf = (key: string) => result.remote.get(key)?.size ?? 0
  const expired = new Set(plan?.expired.map(a => a.key))
  const uploads = new Map(plan?.uploads.map(u => [u.file.key, u]))
  const done = !result.dryRun
  // Uploads and header updates as they were written, in the order they were.
  // A release's copies of unchanged files change nothing that is served: left out.
  const written: readonly { file: SourceFile; size?: number }[] = done
    ? result.written.filter(w => !w.copied)
    : [...(plan?.uploads.map(u => u.file) ?? []), ...(plan?.updates ?? [])].map(file => ({ file }))
  const uploaded: ChangedKey[] = []
  const updated: ChangedKey[] = []
  for (const w of written) {
    const upload = uploads.get(w.file.key)
    if (!upload) {
      updated.push({ key: w.file.key, size: w.file.size, reason: 'headers', ...encoded(w.file) })
      continue
    }
    const stored = w.file.compress && w.size !== undefined ? { storedSize: w.size } : {}
    uploaded.push({
      key: w.file.key,
      size: w.file.size,
      reason: upload.reason,
      ...encoded(w.file),
      ...stored
    })
  }
  const deletes = plan ? (done ? plan.deletes.slice(0, result.deleted) : plan.deletes) : []
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString()
  // Written in the order the writes completed: sorted, so the same deploy gives the same file.
  const byKey = (a: { key: string }, b: { key: string }) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0
  uploaded.sort(byKey)
  updated.sort(byKey)
  return {
    format: CHANGES_FORMAT,
    status: failed
      ? 'failed'
      : result.dryRun
        ? 'dry-run'
        : config.remove
          ? 'removed'
          : config.release?.rollback !== undefined
            ? 'rolled-back'
            : 'deployed',
    bucket: config.bucket,
    prefix: config.prefix,
    release: result.release,
    retired: [...result.retired],
    uploaded,
    updated,
    deleted: deletes.map(key => ({
      key,
      size: sizeOf(key),
      reason: config.remove ? 'remove' : expired.has(key) ? 'expired' : 'gone'
    })),
    kept: (plan?.kept ?? []).map(a => ({
      key: a.key,
      size: sizeOf(a.key),
      reason: 'keep-removed-assets',
      removedAt: iso(a.removedAt),
      until: iso(a.until)
    })),
    invalidations: done
      ? result.invalidations.map(i => ({
          distributionId: i.distributionId,
          paths: result.targets.find(t => t.distributionId === i.distributionId)?.paths ?? [],
          id: i.id,
          status: i.status
        }))
      : result.targets
          .filter(t => t.paths.length > 0)
          .map(t => ({ distributionId: t.distributionId, paths: t.paths }))
  }
}

/**
 * Before any request (probeWritable, as for outputs-file): the report's folder must exist and
 * the file be writable, so a deploy never changes the bucket only to fail at its very end.
 */
export async function checkChangesFile(file: string): Promise<void> {
  const problem = await probeWritable(file)
  if (!problem) return
  const why =
    problem.kind === 'is-folder'
      ? 'it is a folder'
      : problem.kind === 'no-folder'
        ? `the folder '${problem.folder}' does not exist`
        : problem.kind === 'not-folder'
          ? `'${problem.folder}' is not a folder`
          : problem.existed
            ? 'the file is not writable'
            : `the folder '${problem.folder}' is not writable`
  throw new InputError(
    `Input 'changes-file' must be a file in an existing, writable folder, got '${file}': ${why}. Create the folder first, or choose another path.`
  )
}

/** Writes the report, as indented JSON; a failure names the input and the path. */
export async function writeChangesFile(file: string, report: ChangesReport): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
  } catch (err) {
    throw new Error(
      `Could not write the report of input 'changes-file' to '${file}': ${(err as Error).message}`
    )
  }
}
