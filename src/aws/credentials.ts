import { fromWebToken } from '@aws-sdk/credential-provider-web-identity'
import type { RoleConfig } from '../config/config'
import type { Platform } from '../platform'
import { attempt } from './step-error'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

export type CredentialProvider = () => Promise<Credentials>

/** Renew this long before the assumed credentials expire. */
const REFRESH_MARGIN_MS = 5 * 60_000

/**
 * Assumes `role` with a web identity token (AssumeRoleWithWebIdentity, through the SDK's own
 * provider), once up front so a bad role or token fails before anything changes. Every key it
 * yields is registered as a secret. The returned provider renews the credentials near expiry.
 */
export async function assumeRole(
  role: RoleConfig,
  region: string,
  platform: Pick<Platform, 'setSecret' | 'idToken' | 'info'>,
  now: () => number = Date.now
): Promise<CredentialProvider> {
  const token = role.webIdentityToken ?? (await platform.idToken('sts.amazonaws.com'))
  platform.setSecret(token)
  const provider = fromWebToken({
    roleArn: role.arn,
    roleSessionName: role.sessionName,
    webIdentityToken: token,
    durationSeconds: role.durationSeconds,
    clientConfig: { region }
  })
  const fetch = async (): Promise<Credentials> => {
    const credentials = await attempt(
      {
        what: `Failed to assume role ${role.arn} with the web identity token`,
        permission:
          'sts:AssumeRoleWithWebIdentity (allowed by the role trust policy for this token)',
        resource: role.arn
      },
      provider()
    )
    for (const secret of [
      credentials.accessKeyId,
      credentials.secretAccessKey,
      credentials.sessionToken
    ]) {
      if (secret) platform.setSecret(secret)
    }
    return credentials
  }
  let current = await fetch()
  platform.info(`Assumed role ${role.arn} as session ${role.sessionName}`)
  let renewing: Promise<Credentials> | undefined
  return async () => {
    const expires = current.expiration?.getTime() ?? Infinity
    if (expires - now() > REFRESH_MARGIN_MS) return current
    renewing ??= fetch().finally(() => (renewing = undefined))
    current = await renewing
    return current
  }
}
