import { mockClient, type AwsStub } from 'aws-sdk-client-mock'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import { EMPTY_ETAG } from '../../src/remote/conditional'

/**
 * S3 and CloudFront clients whose every command is answered by aws-sdk-client-mock, for the
 * unit tests of a whole deploy (or removal): the mocks to program, and the clients to pass.
 */
export function mockedAws() {
  const credentials = { accessKeyId: 'a', secretAccessKey: 'b' }
  return {
    s3Mock: mockClient(S3Client),
    cfMock: mockClient(CloudFrontClient),
    s3: new S3Client({ region: 'us-east-1', credentials }),
    cloudfront: new CloudFrontClient({ region: 'us-east-1', credentials })
  }
}

export const preconditionFailed = () =>
  Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
    name: 'PreconditionFailed',
    $metadata: { httpStatusCode: 412 }
  })

/**
 * The mock refuses, as S3 does, the two writes a deploy sends to make sure the store honours
 * conditional writes (see ignoredConditions). Call it after any catch-all PutObject behaviour:
 * aws-sdk-client-mock answers with the behaviour defined last among those that match.
 */
export function honourConditions(
  s3Mock: AwsStub<any, any, any>,
  lockKey = '.s3-cloudfront-deploy.lock'
): void {
  s3Mock.on(PutObjectCommand, { Key: lockKey, IfNoneMatch: '*' }).rejects(preconditionFailed())
  s3Mock.on(PutObjectCommand, { IfMatch: `"${EMPTY_ETAG}"` }).rejects(preconditionFailed())
}
