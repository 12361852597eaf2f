#!/usr/bin/env node
// npm run demo: see the action work without an AWS account. Starts moto_server (a local AWS
// stand-in) on a free port, deploys examples/site with the bundled dist/index.js, edits one
// file, deploys again, and prints the outputs of both runs. Stops everything it started.
import { spawn, spawnSync } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, appendFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).error) {
  console.error("moto_server is not installed. Install it with: pip install 'moto[server]'")
  process.exit(1)
}

const port = await new Promise((resolve, reject) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address()
    server.close(() => resolve(port))
  })
  server.on('error', reject)
})
const endpoint = `http://127.0.0.1:${port}`
const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
const work = await mkdtemp(path.join(os.tmpdir(), 'deploy-demo-'))

try {
  await waitForMoto()
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'demo-access-key',
    AWS_SECRET_ACCESS_KEY: 'demo-secret-access-key',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
  }
  const clientConfig = {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'demo-access-key', secretAccessKey: 'demo-secret-access-key' }
  }
  await new S3Client(clientConfig).send(new CreateBucketCommand({ Bucket: 'demo-site' }))
  const { Distribution } = await new CloudFrontClient(clientConfig).send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: `demo-${Date.now()}`,
        Comment: 'demo',
        Enabled: true,
        Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: 'demo-site.s3.amazonaws.com' }] },
        DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https' }
      }
    })
  )
  const site = path.join(work, 'public')
  await cp(path.join(root, 'examples', 'site'), site, { recursive: true })
  console.log(`moto_server on ${endpoint}; bucket demo-site; distribution ${Distribution.Id}\n`)

  const deploy = async title => {
    console.log(`\n######## ${title}\n`)
    const outputs = path.join(work, 'deploy.env')
    const args = [path.join(root, 'dist', 'index.js'), '--source', site, '--bucket', 'demo-site']
    args.push('--distribution-id', Distribution.Id, '--delete', '--wait', '--outputs-file', outputs)
    const run = spawnSync(process.execPath, args, { env, stdio: 'inherit' })
    if (run.status !== 0) throw new Error(`deploy failed with exit code ${run.status}`)
    console.log(
      `\n${title}: outputs (${path.basename(outputs)}):\n${await readFile(outputs, 'utf8')}`
    )
  }

  await deploy('First deploy: everything is new')
  await appendFile(path.join(site, 'css', 'style.css'), 'h1 { color: #f90; }\n')
  await deploy('Second deploy: one file edited')
  console.log(
    'Only css/style.css was uploaded and invalidated; everything else was compared by MD5 and left alone.'
  )
} finally {
  moto.kill()
  await rm(work, { recursive: true, force: true })
}

async function waitForMoto() {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${endpoint}/moto-api/`)
      return
    } catch {
      await new Promise(r => setTimeout(r, 100))
    }
  }
  throw new Error('moto_server did not start')
}
