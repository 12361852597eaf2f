import { GetDistributionCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront'
import type { OriginInfo } from '../plan/origin'

export interface DistributionOrigins {
  origins: OriginInfo[]
  defaultOriginId: string | undefined
  /** `d111111abcdef8.cloudfront.net`. */
  domainName: string
  /** Alternate domain names (CNAMEs), in the distribution's order. */
  aliases: string[]
}

/** What decides a distribution's viewer URLs (GetDistribution: needs cloudfront:GetDistribution). */
export async function readOrigins(
  cf: CloudFrontClient,
  distributionId: string
): Promise<DistributionOrigins> {
  const result = await cf.send(new GetDistributionCommand({ Id: distributionId }))
  const config = result.Distribution?.DistributionConfig
  return {
    origins: (config?.Origins?.Items ?? []).map(o => ({
      id: o.Id ?? '',
      domainName: o.DomainName ?? '',
      originPath: o.OriginPath ?? ''
    })),
    defaultOriginId: config?.DefaultCacheBehavior?.TargetOriginId,
    domainName: result.Distribution?.DomainName ?? '',
    aliases: config?.Aliases?.Items ?? []
  }
}
