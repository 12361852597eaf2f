import type { PlannedUpload, RemoteObject, SourceFile, SyncPlan } from './types'

export interface DiffOptions {
  delete: boolean
}

const PLAIN_MD5 = /^[0-9a-f]{32}$/

/** An object is up to date when its ETag is the file's MD5 and the sizes match. */
export function isUpToDate(file: SourceFile, remote: RemoteObject | undefined): boolean {
  return (
    remote !== undefined &&
    remote.size === file.size &&
    PLAIN_MD5.test(remote.etag) &&
    remote.etag === file.md5
  )
}

/** HTML pages go last: they link to assets, not the other way round. */
export function isPage(key: string): boolean {
  return /\.html?$/i.test(key)
}

/** Compares the source with the bucket by content, never by time. */
export function planSync(
  files: readonly SourceFile[],
  remote: ReadonlyMap<string, RemoteObject>,
  options: DiffOptions
): SyncPlan {
  const assets: PlannedUpload[] = []
  const pages: PlannedUpload[] = []
  const unchanged: SourceFile[] = []
  const local = new Set<string>()
  for (const file of files) {
    local.add(file.key)
    const object = remote.get(file.key)
    if (isUpToDate(file, object)) {
      unchanged.push(file)
    } else {
      ;(isPage(file.key) ? pages : assets).push({ file, reason: object ? 'changed' : 'new' })
    }
  }
  const deletes = options.delete ? [...remote.keys()].filter(key => !local.has(key)).sort() : []
  return { uploads: [...assets, ...pages], deletes, unchanged }
}
