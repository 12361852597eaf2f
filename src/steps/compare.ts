import type { DeployConfig } from '../config/config'
import { InputError } from '../config/input-error'
import { serverNow, type DeployDeps } from './context'
import { scanSource, type ScanResult } from '../local/scan'
import { listSource } from './check-source'
import { listRemote } from '../remote/list'
import { readManifest, type ReadManifest, type StateObject } from '../remote/manifest'
import { headObject } from '../remote/head'
import { planSync } from '../plan/diff'
import { keepRemoved } from '../plan/retention'
import { formatBytes, formatCount } from '../plan/format'
import { compressionWarnings, describeCompression } from '../plan/describe-compression'
import { NewerManifestError, type Manifest } from '../plan/manifest'
import { entryFor, knownFromManifest } from '../plan/state-update'
import type { KnownState, RemoteObject, SyncPlan } from '../plan/types'
import { attempt } from '../aws/step-error'
import { forEachLimit } from '../util/pool'
import { bucketOperation } from '../aws/explain'

/**
 * Bytes of small files kept from hashing for their upload: a first deploy of a typical site then
 * reads each file once. Past it, files are read again when uploaded.
 */
const KEEP_CONTENTS = 64 * 1024 * 1024

/** The bucket side, read without changing anything. */
export interface BucketState {
  /** The site's objects: the state object and its lease object left out. */
  remote: Map<string, RemoteObject>
  manifest: Manifest
  /** The manifest as read (serialized), to skip writing it back unchanged. */
  manifestText: string | undefined
  /** False when it could not be read (no s3:GetObject): then it is neither trusted nor written. */
  manifestUsable: boolean
  /** The state object as S3 has it; undefined when there is none. */
  stateObject: StateObject | undefined
  /** Whether the listing showed the lock's lease object. */
  leaseListed: boolean
}

export interface Comparison extends BucketState {
  scan: ScanResult
  plan: SyncPlan
}

/**
 * What a deploy compares the source with, and under which keys. As it has always been: the
 * prefix as it is. In release mode: the live release's folder (or, for the first release, the
 * site deployed without release mode), each object shown under the key its file gets in the new
 * release, so the plan is the same plan: what to upload, and what to copy.
 */
export interface BucketView {
  /** The prefix listed. */
  listPrefix: string
  /** The key the source's files get: `<keyPrefix><path in the source>`. */
  keyPrefix: string
  /** The key a listed object stands for among the source's, or undefined to leave it out. */
  rekey: (key: string) => string | undefined
}

/** The prefix as it is: the sync's own view, the action's objects left out. */
export function siteView(config: DeployConfig): BucketView {
  return {
    listPrefix: config.prefix,
    keyPrefix: config.prefix,
    rekey: key => (key === config.manifestKey || key === config.lockKey ? undefined : key)
  }
}

/**
 * Source and bucket side by side: walk and hash the source (once: a re-plan after waiting for
 * the lock reuses `scanned`) while reading the state object and listing the bucket, then HEAD
 * only the objects the state object does not vouch for (none in a steady state), and plan.
 * keep-removed-assets periods end by S3's clock, as the bucket was read.
 */
export async function compare(
  config: DeployConfig,
  deps: DeployDeps,
  scanned: ScanResult | undefined,
  view: BucketView = siteView(config)
): Promise<Comparison> {
  const { log } = deps
  return log.group(
    `Compare ${config.source} with s3://${config.bucket}/${view.listPrefix}`,
    async () => {
      const started = Date.now()
      const timed = async <T>(work: Promise<T>): Promise<[T, number]> => [
        await work,
        Date.now() - started
      ]
      const [[scan, scanMs], [bucket, listMs]] = await Promise.all([
        scanned
          ? Promise.resolve([scanned, 0] as [ScanResult, number])
          : timed(scanLocal(config, view.keyPrefix)),
        timed(readBucket(config, deps, view))
      ])
      if (!scanned) reportScan(config, deps, scan, scanMs)

      // What the state object vouches for; HEAD the rest (once: the state object then records them).
      const known = new Map<string, KnownState>()
      const unknown = []
      for (const file of scan.files) {
        const object = bucket.remote.get(file.key)
        if (!object) continue
        const state = knownFromManifest(entryFor(bucket.manifest, view.keyPrefix, file.key), object)
        if (state) known.set(file.key, state)
        else if (bucket.manifestUsable) unknown.push({ file, object })
      }
      await forEachLimit(unknown, config.concurrency, async ({ file, object }) => {
        const state = await attempt(
          bucketOperation(
            config,
            `Failed to read s3://${config.bucket}/${object.key}`,
            's3:GetObject',
            `arn:aws:s3:::${config.bucket}/${config.prefix}*`
          ),
          headObject(deps.s3, config.bucket, file, object)
        )
        known.set(file.key, state)
      })
      log.info(
        `Listed ${bucket.remote.size} object(s) in the bucket in ${listMs} ms${unknown.length ? `; checked ${unknown.length} with HEAD (not in the state object)` : ''}`
      )
      const synced = planSync(
        scan.files,
        bucket.remote,
        {
          delete: config.delete,
          prefix: view.keyPrefix,
          inScope: config.inScope,
          reserved: new Set([config.manifestKey, config.lockKey])
        },
        known
      )
      const plan = keepRemoved(synced, {
        keepSeconds: config.keepRemovedSeconds,
        now: Math.floor(serverNow(deps) / 1000),
        removedAt: key => entryFor(bucket.manifest, view.keyPrefix, key)?.removedAt
      })
      // Only what will be uploaded is worth keeping in memory.
      scan.contents.keepOnly(plan.uploads.map(u => u.file.key))
      return { ...bucket, scan, plan }
    }
  )
}

/** Walks the source, refuses what must never be published (check-source.ts), then hashes. */
async function scanLocal(config: DeployConfig, keyPrefix: string): Promise<ScanResult> {
  const listing = await listSource(config, keyPrefix)
  return scanSource(config.source, listing, {
    prefix: keyPrefix,
    rules: config.rules,
    settings: config.settings,
    keepContents: config.dryRun ? 0 : KEEP_CONTENTS,
    compression: config.compression
  })
}

function reportScan(config: DeployConfig, { log }: DeployDeps, scan: ScanResult, ms: number) {
  for (const link of scan.skippedLinks) {
    log.warning(`Skipped symbolic link ${link.relPath}: ${link.reason}; it is not published.`)
  }
  const rate = formatCount((scan.files.length / Math.max(ms, 1)) * 1000)
  log.info(
    `Hashed ${scan.files.length} file(s), ${formatBytes(scan.bytes)} in ${ms} ms (${rate} files/s)${scan.excluded ? `; ${scan.excluded} excluded` : ''}`
  )
  for (const line of describeCompression(scan.compression)) log.info(line)
  for (const line of compressionWarnings(scan.compression)) log.warning(line)
}

/** The state object alone, its errors explained (see readManifest). */
export function readBucketState(
  config: DeployConfig,
  deps: DeployDeps,
  onHeaders?: () => void
): Promise<ReadManifest> {
  return attempt(
    bucketOperation(
      config,
      `Failed to read the state object s3://${config.bucket}/${config.manifestKey}`,
      's3:GetObject',
      `arn:aws:s3:::${config.bucket}/${config.manifestKey}`
    ),
    readManifest(deps.control ?? deps.s3, config.bucket, config.manifestKey, onHeaders).catch(
      err => {
        if (err instanceof NewerManifestError) {
          throw new InputError(
            `Input 'manifest-key': ${err.message}. Nothing was changed. (Or set manifest-key to a new name: this version then starts a state object of its own.)`
          )
        }
        throw err
      }
    )
  )
}

/**
 * Reads the state object, and lists the bucket once S3 has answered that read: the listing then
 * sees every write made before the state object was read, so a plan made from it and taken
 * with a conditional write on that state object's ETag is exactly the bucket's.
 */
export async function readBucket(
  config: DeployConfig,
  deps: DeployDeps,
  view: BucketView = siteView(config)
): Promise<BucketState> {
  const { log } = deps
  const bucketOp = (what: string, permission: string, resource: string) =>
    bucketOperation(config, what, permission, resource)
  let answered: () => void = () => undefined
  const stateRead = new Promise<void>(resolve => (answered = resolve))
  const [read, listed] = await Promise.all([
    readBucketState(config, deps, answered),
    stateRead.then(() =>
      attempt(
        bucketOp(
          `Failed to list s3://${config.bucket}/${view.listPrefix}`,
          's3:ListBucket',
          `arn:aws:s3:::${config.bucket}`
        ),
        listRemote(deps.s3, config.bucket, view.listPrefix)
      )
    )
  ])
  if (!read.usable) {
    log.warning(
      `Cannot read the state object s3://${config.bucket}/${config.manifestKey} (${read.note}): comparing by ETag only, so header-only changes go unnoticed and multipart, SSE-KMS or compressed objects are uploaded again, and no lock can be taken against concurrent deploys. Grant s3:GetObject on it to fix this.`
    )
  } else if (read.note) {
    log.info(`State object s3://${config.bucket}/${config.manifestKey}: ${read.note}`)
  }
  // The state object and its lease are the action's own, never part of the site.
  const remote = new Map<string, RemoteObject>()
  for (const [key, object] of listed) {
    const shown = view.rekey(key)
    if (shown !== undefined) remote.set(shown, object)
  }
  return {
    remote,
    manifest: read.manifest,
    manifestText: read.serialized,
    manifestUsable: read.usable,
    stateObject: read.object,
    leaseListed: listed.has(config.lockKey)
  }
}
