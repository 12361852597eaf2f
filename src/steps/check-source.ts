import type { DeployConfig } from '../config/config'
import { InputError } from '../config/input-error'
import { listInScope, walkSource, type SourceListing } from '../local/walk'
import { describeNothingInScope } from '../plan/filter'
import { describeLongKeys, keyFor, tooLongKeys } from '../plan/keys'
import { describeNonUtf8Names } from '../plan/names'

/**
 * The source, walked (no file read) and checked before any request: whatever in it would make
 * the published site differ from the build, or S3 refuse it halfway, is an input error here. A
 * folder that is missing, empty, or left empty by include/exclude; names that are not UTF-8;
 * keys over S3's limit; a link out of the source with outside-symlinks: fail; a file at the
 * action's own keys. The listing is then hashed while the bucket is read.
 */
export async function checkSource(
  config: Pick<
    DeployConfig,
    | 'source'
    | 'bucket'
    | 'prefix'
    | 'inScope'
    | 'filters'
    | 'outsideSymlinks'
    | 'manifestKey'
    | 'lockKey'
  >
): Promise<SourceListing> {
  const walk = await walkSource(config.source)
  // S3 refuses these one object at a time, after the others were written: refused here, whole.
  if (walk.nonUtf8Names.length > 0) {
    throw new InputError(describeNonUtf8Names(config.source, walk.nonUtf8Names))
  }
  const listing = listInScope(walk, config.inScope)
  if (listing.files.length === 0) {
    throw new InputError(describeNothingInScope(walk.files, config.filters, config.source))
  }
  const keyed = listing.files.map(relPath => ({ relPath, key: keyFor(config.prefix, relPath) }))
  const long = tooLongKeys(keyed)
  if (long.length > 0) throw new InputError(describeLongKeys(long, config.prefix))
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
