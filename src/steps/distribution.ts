import type { DeployConfig } from '../config/config'
import type { DeployDeps } from './context'
import { readOrigins, type DistributionOrigins } from '../aws/distribution'
import { originPrefixFor } from '../plan/origin'
import { siteUrl } from '../plan/url'
import { describeCause, StepError } from '../aws/step-error'

/** What a deploy knows of one distribution. */
export interface DistributionView {
  distributionId: string
  /** Undefined when it could not be read (no cloudfront:GetDistribution). */
  info: DistributionOrigins | undefined
  /** Its origin path as a key prefix ('' when none, or unknown): stripped from keys for URLs. */
  originPrefix: string
}

export interface Distributions {
  views: DistributionView[]
  /** Warnings to print once the caller's log section is done. */
  notes: string[]
}

/**
 * Reads every distribution once, at the start of every run (changed or not, dry runs too), so a
 * wrong ID is refused before anything changes, and the origin path and domain are known. A
 * missing permission only warns: the URLs are then `/<key>`, and the `url` output is empty.
 */
export async function readDistributions(
  config: DeployConfig,
  { cloudfront }: DeployDeps
): Promise<Distributions> {
  const notes: string[] = []
  const views = await Promise.all(
    config.distributionIds.map(async (distributionId): Promise<DistributionView> => {
      try {
        const info = await readOrigins(cloudfront, distributionId)
        const origin = originPrefixFor(
          distributionId,
          info.origins,
          info.defaultOriginId,
          config.bucket,
          config.prefix
        )
        if (origin.warning && !config.paths) notes.push(origin.warning)
        return { distributionId, info, originPrefix: origin.prefix }
      } catch (err) {
        if (err instanceof Error && err.name === 'NoSuchDistribution') {
          throw new StepError(
            `Input 'distribution-id': distribution ${distributionId} does not exist in this account (NoSuchDistribution). Nothing was changed.`,
            err
          )
        }
        const note = `Could not read distribution ${distributionId} to check that it exists and find its origin path and domain (${describeCause(err)})`
        notes.push(
          config.paths
            ? `${note}; the url output is empty. Grant cloudfront:GetDistribution to fix this.`
            : `${note}. Invalidating /<key> URLs as if it had none, and the url output is empty; grant cloudfront:GetDistribution to fix this.`
        )
        return { distributionId, info: undefined, originPrefix: '' }
      }
    })
  )
  return { views, notes }
}

/** The `url` output: the first distribution's address of what was deployed. */
export function urlOf(views: readonly DistributionView[], prefix: string): string {
  const first = views[0]
  if (!first?.info) return ''
  return siteUrl(first.info.aliases, first.info.domainName, prefix, first.originPrefix)
}
