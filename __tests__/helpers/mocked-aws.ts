import { mockClient } from 'aws-sdk-client-mock'
import { S3Client } from '@aws-sdk/client-s3'
import { CloudFrontClient } from '@aws-sdk/client-cloudfront'

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
