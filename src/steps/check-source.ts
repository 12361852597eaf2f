import type { DeployConfig } from '../config/config'
import { InputError } from '../config/input-error'
import { findFileInScope, listInScope, walkSource, type SourceListing } from '../local/walk'
import { describeNothingInScope } from '../plan/filter'
import { describeLongKeys, keyFor, tooLongKeys } from '../plan/keys'
import { describeNonUtf8Names } from '../plan/names'
import { pairSiblings } from '../plan/compress'

type SourceConfig = Pick<
  DeployConfig,
  | 'source'
  | 'bucket'
  | 'prefix'
  | 'inScope'
  | 'filters'
  | 'outsideSymlinks'
  | 'manifestKey'
  | 'lockKey'
  | 'compression'
>

/**
 * Before any request: the source is a folder with a file in scope. The walk stops at the first
 * such file (usually in the source's top folder), so this costs a readdir or so; a source that
 * is missing, not a folder, empty, or left empty by include/exclude is an input error.
 */
export async function checkSource(config: SourceConfig): Promise<void> {
  const seen = await findFileInScope(config.source, config.inScope)
  if (seen.found) return
  if (seen.nonUtf8Names.length > 0) {
    throw new InputError(describeNonUtf8Names(config.source, seen.nonUtf8Names))
  }
  if (seen.files.length === 0) {
    throw new InputError(
      `Input 'source' is an empty folder ('${config.source}'): build the site first, or point 'source' at the build output.`
    )
  }
  const files = [...seen.files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  throw new InputError(describeNothingInScope(files, config.filters, config.source))
}

/**
 * The whole source walked (no file read yet), and what in it would make the published site
 * differ from the build, or S3 refuse it halfway, refused before any file is hashed: names that
 * are not UTF-8, keys over S3's limit, a link out of the source with outside-symlinks: fail, a
 * file at the action's own keys. It runs beside the bucket's first reads; no write comes before.
 */
export async function listSource(
  config: SourceConfig,
  /** Where the files' keys start: the prefix, or a release's folder. */
  keyPrefix = config.prefix
): Promise<SourceListing> {
  const walk = await walkSource(config.source)
  // S3 refuses these one object at a time, after the others were written: refused here, whole.
  if (walk.nonUtf8Names.length > 0) {
    throw new InputError(describeNonUtf8Names(config.source, walk.nonUtf8Names))
  }
  const listing = listInScope(walk, config.inScope)
  // checkSource found one; the source changed since (a build still writing to it).
  if (listing.files.length === 0) {
    throw new InputError(describeNothingInScope(walk.files, config.filters, config.source))
  }
  // What is published: with precompressed, a sibling (x.js.gz) is read, never written.
  const published = config.compression.precompressed
    ? pairSiblings(listing.files).published.map(p => p.relPath)
    : listing.files
  const keyed = published.map(relPath => ({ relPath, key: keyFor(keyPrefix, relPath) }))
  const long = tooLongKeys(keyed)
  if (long.length > 0) throw new InputError(describeLongKeys(long, keyPrefix))
  const outside = listing.skippedLinks.filter(l => l.kind === 'outside')
  if (outside.length > 0 && config.outsideSymlinks === 'fail') {
    throw new InputError(
      `Symbolic link ${outside.map(l => `'${l.relPath}' ${l.reason}`).join(', ')}; outside-symlinks is 'fail'. Links out of the source are never published: remove them, or set outside-symlinks: skip to skip them with a warning.`
    )
  }
  // The action's own objects would overwrite the file (and be overwritten), on every deploy.
  const clash = keyed.find(f => f.key === config.manifestKey || f.key === config.lockKey)
  if (clash) {
    throw new InputError(
      `Input 'manifest-key': the source has a file '${clash.relPath}' at s3://${config.bucket}/${clash.key}, which is the action's own ${clash.key === config.manifestKey ? 'state object' : 'lease object'}. Nothing was changed. Set manifest-key to another name (e.g. manifest-key: .deploy-state.json), or exclude the file.`
    )
  }
  return listing
}
