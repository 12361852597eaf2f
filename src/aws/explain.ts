/** What a failed AWS call was doing: enough to turn an error code into help. */
export interface AwsOperation {
  /** `Failed to upload a.css to s3://bucket/a.css` */
  what: string
  /** The IAM action it needs, e.g. `s3:PutObject`. */
  permission: string
  /** The ARN it needs it on. */
  resource: string
  bucket?: string
  region?: string
}

/** An operation on a bucket: the errors then name the bucket and compare regions. */
export function bucketOperation(
  target: { bucket: string; region: string },
  what: string,
  permission: string,
  resource: string
): AwsOperation {
  return { what, permission, resource, bucket: target.bucket, region: target.region }
}

type AwsError = Error & {
  Code?: string
  Region?: string
  Endpoint?: string
  $metadata?: { httpStatusCode?: number }
  $response?: { headers?: Record<string, string | undefined> }
}

const REJECTED_CREDENTIALS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidToken',
  'TokenRefreshRequired'
])

/** AccessDenied however S3 words it (a HEAD has no body: only the 403). */
export function isAccessDenied(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const e = err as AwsError
  return (
    ['AccessDenied', 'AccessDeniedException', 'Forbidden'].includes(e.name) ||
    e.$metadata?.httpStatusCode === 403
  )
}

/**
 * The AWS error code (SDK v3 puts it in `name`) and message, on one line. A store that sends no
 * message (Ceph RGW's empty <Message/>, which the SDK turns into "UnknownError") gets the code and
 * the HTTP status instead.
 */
export function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const named = err.name && err.name !== 'Error'
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
    if (!err.message || err.message === 'UnknownError') {
      const http = status ? `HTTP ${status}` : ''
      if (named) return http ? `${err.name} (${http})` : err.name
      return http || 'unknown error'
    }
    return `${named ? `${err.name}: ` : ''}${err.message}`
  }
  return String(err)
}

/** One line that says what went wrong and what to do about it. */
export function explainAwsError(err: unknown, op: AwsOperation): string {
  if (!(err instanceof Error)) return String(err)
  const e = err as AwsError
  const code = e.name && e.name !== 'Error' ? e.name : (e.Code ?? 'Error')
  const status = e.$metadata?.httpStatusCode
  const original = describeCause(err)

  if (code === 'AccessControlListNotSupported') {
    return `the bucket has ACLs disabled (Object Ownership: bucket owner enforced, the default since 2023), so it refuses objects with an ACL (AccessControlListNotSupported). Remove the 'acl' input, and grant access with a bucket policy or CloudFront origin access control instead.`
  }
  if (code === 'NoSuchBucket') {
    return `bucket '${op.bucket}' does not exist (NoSuchBucket). Check the 'bucket' input, and that the credentials are for the account that owns it.`
  }
  if (code === 'NoSuchDistribution') {
    return `the distribution does not exist in this account (NoSuchDistribution). Check the 'distribution-id' input, and that the credentials are for the account that owns it.`
  }
  const region = bucketRegion(e)
  if (region && region !== op.region) {
    // A redirect answering a HEAD, or any request whose body was lost, has no code of its own.
    const shown = status === 301 && code === 'Unknown' ? 'PermanentRedirect' : code
    return `bucket '${op.bucket}' is in region ${region}, not ${op.region} (${shown}). Set the 'region' input (or AWS_REGION) to ${region}.`
  }
  if (
    code === 'AccessDenied' ||
    code === 'AccessDeniedException' ||
    code === 'Forbidden' ||
    status === 403
  ) {
    if (REJECTED_CREDENTIALS.has(code)) return rejected(code)
    return `access denied (${original}). The credentials need ${op.permission} on ${op.resource}.`
  }
  if (REJECTED_CREDENTIALS.has(code)) return rejected(code)
  const host = /ENOTFOUND (\S+)/.exec(e.message)?.[1]
  if (host && op.bucket && host.startsWith(`${op.bucket}.`)) {
    return `the host ${host} was not found (ENOTFOUND): the store does not address buckets by host name. Set the input 'path-style' to true, so the bucket goes in the URL's path.`
  }
  if (code === 'CredentialsProviderError') {
    return `no AWS credentials were found (${e.message}). Provide them with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, or an assumed role.`
  }
  return original
}

function rejected(code: string): string {
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException') {
    return `the AWS session token has expired (${code}). Temporary credentials (AWS_SESSION_TOKEN) last only as long as the session they came from: get them in the step right before this one, with a session long enough for the deploy, or let this action assume the role (role-to-assume), which renews them during a long deploy.`
  }
  return `the AWS credentials were rejected (${code}). Check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or the role they come from; temporary credentials may have expired.`
}

/** S3 says where a bucket lives: a header on redirects, or the error body. */
function bucketRegion(e: AwsError): string | undefined {
  const redirect =
    e.name === 'PermanentRedirect' ||
    e.name === 'AuthorizationHeaderMalformed' ||
    e.$metadata?.httpStatusCode === 301
  if (!redirect && e.name !== 'IllegalLocationConstraintException') return undefined
  return (
    e.$response?.headers?.['x-amz-bucket-region'] ??
    e.Region ??
    /\.s3[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(e.Endpoint ?? '')?.[1] ??
    /expecting '([a-z0-9-]+)'/.exec(e.message)?.[1]
  )
}
