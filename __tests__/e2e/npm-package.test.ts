/**
 * The npm package as `npm publish` would upload it: `npm pack` of the working tree, installed
 * from the tarball into an empty folder, and its `s3-cloudfront-deploy` command run for real.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { motoSuite } from '../helpers/moto'
import { awsEnv, listObjects } from '../helpers/aws'
import { assertNoSecrets, parseDotenv } from '../helpers/action'
import { makeSite } from '../helpers/site'
import { ROOT } from '../helpers/repo'
import { npmEnv, packProject, type Packed } from '../helpers/npm'

const exec = promisify(execFile)
const moto = motoSuite('npm-bin')
let packed: Packed

beforeAll(async () => {
  packed = await packProject()
}, 60_000)

test('the tarball holds the bundle, the release router, action.yml, README and LICENSE, nothing else', async () => {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'))
  expect([packed.name, packed.version]).toEqual(['s3-cloudfront-deploy', pkg.version])
  expect(packed.files).toEqual([
    'LICENSE',
    'README.md',
    'action.yml',
    'dist/index.js',
    'dist/licenses.txt',
    'edge/release-router.js',
    'package.json'
  ])
})

test('installed into an empty folder it is one package, and its bin deploys a site', async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'npm-install-'))
  // A registry nobody answers on: the install must need nothing but the tarball.
  const env = await npmEnv({ npm_config_registry: 'http://127.0.0.1:9/' })
  await exec('npm', ['install', '--no-audit', '--no-fund', packed.tarball], { cwd: folder, env })

  expect((await readdir(path.join(folder, 'node_modules'))).sort()).toEqual([
    '.bin',
    '.package-lock.json',
    's3-cloudfront-deploy'
  ])
  const installed = path.join(folder, 'node_modules', 's3-cloudfront-deploy')
  const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'))
  expect(manifest.dependencies ?? {}).toEqual({})
  expect(manifest.bin).toEqual({ 's3-cloudfront-deploy': 'dist/index.js' })
  expect((await readFile(path.join(installed, 'dist', 'index.js'), 'utf8')).split('\n')[0]).toBe(
    '#!/usr/bin/env node'
  )

  // The command itself, through its shebang, as `npx s3-cloudfront-deploy` runs it.
  const bin = path.join(folder, 'node_modules', '.bin', 's3-cloudfront-deploy')
  const version = await exec(bin, ['--version'], { env })
  expect(version.stdout.trim()).toBe(packed.version)

  const site = await makeSite({ 'index.html': '<h1>From npm</h1>', 'css/a.css': 'a{}' })
  const bucket = await moto.newBucket()
  const dotenv = path.join(folder, 'deploy.env')
  const run = await exec(
    bin,
    ['--source', site, '--bucket', bucket, '--outputs-file', dotenv, '--delete'],
    { cwd: folder, env: { ...env, ...awsEnv(moto.endpoint), CI: 'true' } }
  )
  assertNoSecrets({ stdout: run.stdout, stderr: run.stderr, platform: 'other' })
  expect(parseDotenv(await readFile(dotenv, 'utf8'))).toMatchObject({
    UPLOADED: '2',
    DELETED: '0',
    INVALIDATION_STATUS: 'none'
  })
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
    'css/a.css',
    'index.html'
  ])
})
