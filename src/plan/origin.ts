/** The parts of a distribution's configuration that decide its viewer URLs. */
export interface OriginInfo {
  id: string
  domainName: string
  /** As CloudFront stores it: '' or '/site'. */
  originPath: string
}

export interface OriginPrefix {
  /** Key prefix the origin path stands for ('' or 'site/'); stripped from keys to get URLs. */
  prefix: string
  /** Why the origin path could not be used, for a warning. */
  warning?: string
}

/** `/site/` → `site/`; `''` → `''`. */
export function originPathAsPrefix(originPath: string): string {
  const trimmed = originPath.replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '' : `${trimmed}/`
}

/** S3 REST and website endpoints of the bucket: `bucket.s3.…`, `bucket.s3-website-…`. */
export function isBucketOrigin(domainName: string, bucket: string): boolean {
  const domain = domainName.toLowerCase()
  const name = bucket.toLowerCase()
  return domain.startsWith(`${name}.s3.`) || domain.startsWith(`${name}.s3-`)
}

/**
 * Which origin path applies to a deploy to `bucket`/`deployPrefix`: among the origins on this
 * bucket (else the default behaviour's origin), the one with the longest origin path that
 * contains the deploy prefix.
 */
export function originPrefixFor(
  distributionId: string,
  origins: readonly OriginInfo[],
  defaultOriginId: string | undefined,
  bucket: string,
  deployPrefix: string
): OriginPrefix {
  const onBucket = origins.filter(o => isBucketOrigin(o.domainName, bucket))
  const candidates = onBucket.length > 0 ? onBucket : origins.filter(o => o.id === defaultOriginId)
  const fitting = candidates
    .map(o => originPathAsPrefix(o.originPath))
    .filter(p => deployPrefix.startsWith(p))
    .sort((a, b) => b.length - a.length)
  if (fitting.length > 0) return { prefix: fitting[0] as string }
  if (candidates.length === 0) return { prefix: '' }
  const paths = candidates.map(o => `'${o.originPath}'`).join(', ')
  return {
    prefix: '',
    warning: `Distribution ${distributionId} serves the bucket from origin path ${paths}, which does not contain the prefix '${deployPrefix}'; invalidating the keys as /<key> URLs.`
  }
}
