import { describeCause, explainAwsError, type AwsOperation } from '../../../src/aws/explain'

const op: AwsOperation = {
  what: 'Failed to upload a.css',
  permission: 's3:PutObject',
  resource: 'arn:aws:s3:::my-site/*',
  bucket: 'my-site',
  region: 'us-east-1'
}
const awsError = (name: string, message: string, status: number, extra: object = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, ...extra })

describe('explainAwsError', () => {
  test('a missing bucket names it', () => {
    expect(
      explainAwsError(awsError('NoSuchBucket', 'The specified bucket does not exist', 404), op)
    ).toBe(
      "bucket 'my-site' does not exist (NoSuchBucket). Check the 'bucket' input, and that the credentials are for the account that owns it."
    )
  })

  test('AccessDenied names the missing permission and keeps what AWS said', () => {
    const err = awsError(
      'AccessDenied',
      'User: arn:aws:iam::1:user/ci is not authorized to perform: s3:PutObject',
      403
    )
    expect(explainAwsError(err, op)).toBe(
      'access denied (AccessDenied: User: arn:aws:iam::1:user/ci is not authorized to perform: s3:PutObject). The credentials need s3:PutObject on arn:aws:s3:::my-site/*.'
    )
    expect(
      explainAwsError(awsError('403', '', 403), { ...op, permission: 's3:ListBucket' })
    ).toContain('need s3:ListBucket')
  })

  test('a wrong region says where the bucket is', () => {
    const err = awsError(
      'AuthorizationHeaderMalformed',
      "the region 'us-east-1' is wrong; expecting 'ap-south-1'",
      400,
      {
        Region: 'ap-south-1'
      }
    )
    expect(explainAwsError(err, op)).toContain(
      "is in region ap-south-1, not us-east-1 (AuthorizationHeaderMalformed). Set the 'region' input"
    )
  })

  test('rejected and missing credentials', () => {
    expect(
      explainAwsError(
        awsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist', 403),
        op
      )
    ).toMatch(/^the AWS credentials were rejected \(InvalidAccessKeyId\)/)
    expect(
      explainAwsError(awsError('SignatureDoesNotMatch', 'The signature does not match', 403), op)
    ).toMatch(/rejected \(SignatureDoesNotMatch\)\. .*temporary credentials may have expired/)
    expect(
      explainAwsError(
        awsError('CredentialsProviderError', 'Could not load credentials from any providers', 0),
        op
      )
    ).toMatch(/^no AWS credentials were found/)
  })

  test('an expired session token (S3: 400 ExpiredToken, which echoes the token) says to get fresh credentials', () => {
    const err = awsError('ExpiredToken', 'The provided token has expired.', 400, {
      'Token-0': 'FwoGZXIvYXdzEXAMPLE'
    })
    const said = explainAwsError(err, op)
    expect(said).toBe(
      'the AWS session token has expired (ExpiredToken). Temporary credentials (AWS_SESSION_TOKEN) last only as long as the session they came from: get them in the step right before this one, with a session long enough for the deploy, or let this action assume the role (role-to-assume), which renews them during a long deploy.'
    )
    expect(said).not.toContain('FwoG')
    expect(explainAwsError(awsError('ExpiredTokenException', 'expired', 403), op)).toMatch(
      /^the AWS session token has expired \(ExpiredTokenException\)/
    )
  })

  test("a redirect to the bucket's region without a body (a HEAD) still says where it is", () => {
    const err = awsError('Unknown', 'UnknownError', 301, {
      $response: { headers: { 'x-amz-bucket-region': 'eu-west-1' } }
    })
    expect(explainAwsError(err, op)).toBe(
      "bucket 'my-site' is in region eu-west-1, not us-east-1 (PermanentRedirect). Set the 'region' input (or AWS_REGION) to eu-west-1."
    )
  })

  test('a distribution that does not exist names the input', () => {
    expect(
      explainAwsError(
        awsError('NoSuchDistribution', 'The specified distribution does not exist.', 404),
        { what: 'x', permission: 'cloudfront:CreateInvalidation', resource: 'distribution E1' }
      )
    ).toBe(
      "the distribution does not exist in this account (NoSuchDistribution). Check the 'distribution-id' input, and that the credentials are for the account that owns it."
    )
  })

  test('ACLs disabled on the bucket: drop the acl input', () => {
    expect(
      explainAwsError(
        awsError('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400),
        op
      )
    ).toMatch(/^the bucket has ACLs disabled .*Remove the 'acl' input/)
  })

  test('anything else: the code and message as AWS gave them', () => {
    expect(
      explainAwsError(awsError('InternalError', 'We encountered an internal error.', 500), op)
    ).toBe('InternalError: We encountered an internal error.')
  })
})

test('a bucket host name the store does not resolve: path-style is the way', () => {
  const err = Object.assign(new Error('getaddrinfo ENOTFOUND my-site.minio.internal'), {
    code: 'ENOTFOUND'
  })
  const op = {
    what: 'x',
    permission: 's3:ListBucket',
    resource: 'r',
    bucket: 'my-site',
    region: 'us-east-1'
  }
  expect(explainAwsError(err, op)).toBe(
    "the host my-site.minio.internal was not found (ENOTFOUND): the store does not address buckets by host name. Set the input 'path-style' to true, so the bucket goes in the URL's path."
  )
  // Any other host that is not found is only reported.
  const other = Object.assign(new Error('getaddrinfo ENOTFOUND minio.internal'), {
    code: 'ENOTFOUND'
  })
  expect(explainAwsError(other, op)).toBe('getaddrinfo ENOTFOUND minio.internal')
})

describe('describeCause', () => {
  const error = (name: string, message: string, status?: number) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })

  test('the code and the message', () => {
    expect(describeCause(error('SlowDown', 'Please reduce your request rate.', 503))).toBe(
      'SlowDown: Please reduce your request rate.'
    )
  })

  test("a store's empty message (Ceph RGW's <Message/>, the SDK's UnknownError): the code and the HTTP status", () => {
    expect(describeCause(error('PreconditionFailed', 'UnknownError', 412))).toBe(
      'PreconditionFailed (HTTP 412)'
    )
    expect(describeCause(error('AccessDenied', '', 403))).toBe('AccessDenied (HTTP 403)')
    expect(describeCause(error('Error', '', 500))).toBe('HTTP 500')
    expect(describeCause(new Error(''))).toBe('unknown error')
  })
})
