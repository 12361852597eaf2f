import { encodePath } from './viewer-urls'

/**
 * The address viewers use for what was deployed: `https://<host>/<prefix>/`, or `https://<host>/`
 * without a prefix. The host is the distribution's first alternate domain name that names one
 * host (a wildcard alias such as `*.example.com` does not), else its `*.cloudfront.net` domain.
 * The distribution's origin path is not part of what viewers request, so it is left out.
 */
export function siteUrl(
  aliases: readonly string[],
  domainName: string,
  prefix: string,
  originPrefix: string
): string {
  const host = aliases.find(a => !a.includes('*')) ?? domainName
  if (host === '') return ''
  const path = prefix.startsWith(originPrefix) ? prefix.slice(originPrefix.length) : prefix
  return `https://${host}/${path.split('/').map(encodeURIComponent).join('/')}`
}

/** The one path that covers everything viewers could have cached under a removed prefix. */
export function prefixWildcard(prefix: string, originPrefix: string): string {
  const path = prefix.startsWith(originPrefix) ? prefix.slice(originPrefix.length) : prefix
  return `/${encodePath(path)}*`
}
