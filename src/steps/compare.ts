import type { DeployConfig } from '../config/config'
import { InputError } from '../config/errors'
import type { DeployDeps } from '../deploy'
import { scanSource } from '../local/scan'
import { listRemote } from '../remote/list'
import { readManifest } from '../remote/manifest'
import { headObject } from '../aws/head'
import { planSync } from '../plan/diff'
import { formatBytes } from '../plan/describe'
import { knownFromManifest, type Manifest } from '../plan/manifest'
import type { KnownState, RemoteObject, SyncPlan } from '../plan/types'
import { attempt } from '../errors'
import { forEachLimit } from '../util/pool'
import { bucketOperation } from '../aws/explain'

export interface Comparison {
  plan: SyncPlan
  remote: Map<string, RemoteObject>
  manifest: Manifest
  /** The manifest as read (serialized), to skip writing it back unchanged. */
  manifestText: string | undefined
  /** False when it could not be read (no s3:GetObject): then it is neither trusted nor written. */
  manifestUsable: boolean
}

/**
 * Source and bucket side by side: walk and hash the source while listing the bucket and reading
 * the manifest (in parallel), then HEAD only the objects the manifest does not vouch for (none in
 * a steady state), and plan.
 */
export async function compare(config: DeployConfig, { s3, log }: DeployDeps): Promise<Comparison> {
  const target = `s3://${config.bucket}/${config.prefix}`
  const bucketOp = (what: string, permission: string, resource: string) =>
    bucketOperation(config, what, permission, resource)
  return log.group(`Compare ${config.source} with ${target}`, async () => {
    const started = Date.now()
    const timed = async <T>(work: Promise<T>): Promise<[T, number]> => [
      await work,
      Date.now() - started
    ]
    const [[scan, scanMs], [listed, listMs], read] = await Promise.all([
      timed(
        scanSource(config.source, {
          prefix: config.prefix,
          inScope: config.inScope,
          rules: config.rules,
          settings: config.settings
        })
      ),
      timed(
        attempt(
          bucketOp(`Failed to list ${target}`, 's3:ListBucket', `arn:aws:s3:::${config.bucket}`),
          listRemote(s3, config.bucket, config.prefix)
        )
      ),
      attempt(
        bucketOp(
          `Failed to read the manifest s3://${config.bucket}/${config.manifestKey}`,
          's3:GetObject',
          `arn:aws:s3:::${config.bucket}/${config.manifestKey}`
        ),
        readManifest(s3, config.bucket, config.manifestKey)
      )
    ])
    const outside = scan.skippedLinks.filter(l => l.kind === 'outside')
    if (outside.length > 0 && config.outsideSymlinks === 'fail') {
      throw new InputError(
        `Symbolic link ${outside.map(l => `'${l.relPath}' ${l.reason}`).join(', ')}; outside-symlinks is 'fail'. Links out of the source are never published: remove them, or set outside-symlinks: skip to skip them with a warning.`
      )
    }
    for (const link of scan.skippedLinks) {
      log.warning(`Skipped symbolic link ${link.relPath}: ${link.reason}; it is not published.`)
    }

    const { manifest, usable: manifestUsable } = read
    if (!manifestUsable) {
      log.warning(
        `Cannot read the manifest s3://${config.bucket}/${config.manifestKey} (${read.note}): comparing by ETag only, so header-only changes go unnoticed and multipart or SSE-KMS objects are uploaded again. Grant s3:GetObject on it to fix this.`
      )
    } else if (read.note) {
      log.info(`Manifest s3://${config.bucket}/${config.manifestKey}: ${read.note}`)
    }
    // The manifest is the action's own state, never part of the site.
    const remote = new Map([...listed].filter(([key]) => key !== config.manifestKey))

    // What the manifest vouches for; HEAD the rest (once: the manifest then records them).
    const known = new Map<string, KnownState>()
    const unknown = []
    for (const file of scan.files) {
      const object = remote.get(file.key)
      if (!object) continue
      const state = knownFromManifest(
        manifest.entries.get(file.key.slice(config.prefix.length)),
        object
      )
      if (state) known.set(file.key, state)
      else if (manifestUsable) unknown.push({ file, object })
    }
    await forEachLimit(unknown, config.concurrency, async ({ file, object }) => {
      const state = await attempt(
        bucketOp(
          `Failed to read s3://${config.bucket}/${file.key}`,
          's3:GetObject',
          `arn:aws:s3:::${config.bucket}/${config.prefix}*`
        ),
        headObject(s3, config.bucket, file, object)
      )
      known.set(file.key, state)
    })

    const rate = (n: number, ms: number) =>
      Math.round((n / Math.max(ms, 1)) * 1000).toLocaleString('en')
    log.info(
      `Hashed ${scan.files.length} file(s), ${formatBytes(scan.bytes)} in ${scanMs} ms (${rate(scan.files.length, scanMs)} files/s)${scan.excluded ? `; ${scan.excluded} excluded` : ''}`
    )
    log.info(
      `Listed ${remote.size} object(s) in the bucket in ${listMs} ms${unknown.length ? `; checked ${unknown.length} with HEAD (not in the manifest)` : ''}`
    )
    const plan = planSync(
      scan.files,
      remote,
      {
        delete: config.delete,
        prefix: config.prefix,
        inScope: config.inScope,
        reserved: new Set([config.manifestKey])
      },
      known
    )
    return {
      plan,
      remote,
      manifest,
      manifestText: read.serialized,
      manifestUsable
    }
  })
}
