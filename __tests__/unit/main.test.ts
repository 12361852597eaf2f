/**
 * run(): inputs, the checks on the runner's disk, the AWS half (mocked here: what it did is
 * written into the result), the outputs, and one failure message whatever went wrong.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { run } from '../../src/main'
import { loadAwsHalf } from '../../src/load-aws-half'
import type { runAwsHalf } from '../../src/aws-half'
import { makeSite } from '../helpers/site'

jest.mock('../../src/load-aws-half', () => ({ loadAwsHalf: jest.fn() }))

type AwsHalf = typeof runAwsHalf
const awsHalf = jest.fn<ReturnType<AwsHalf>, Parameters<AwsHalf>>()

/** What run() printed, line by line, on the plain platform (outside GitHub). */
async function runPlain(argv: string[], cwd: string) {
  const out: string[] = []
  const err: string[] = []
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    out.push(String(chunk))
    return true
  })
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    err.push(String(chunk))
    return true
  })
  try {
    await run(argv, { GITLAB_CI: 'true' }, cwd)
    return { code: process.exitCode ?? 0, stdout: out.join(''), stderr: err.join('') }
  } finally {
    stdout.mockRestore()
    stderr.mockRestore()
    process.exitCode = undefined
  }
}

beforeEach(() => {
  awsHalf.mockReset()
  jest.mocked(loadAwsHalf).mockClear().mockReturnValue(awsHalf)
})

describe('outputs-file', () => {
  test('in a folder that does not exist: refused before the AWS half is loaded, naming the input', async () => {
    const site = await makeSite({ 'index.html': 'home' })
    const run = await runPlain(
      ['--bucket', 'site-bucket', '--source', site, '--outputs-file', 'out/deploy.env'],
      site
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `Error: Input 'outputs-file' must be a file the job can write, got '${path.join(site, 'out', 'deploy.env')}': its folder '${path.join(site, 'out')}' does not exist; create it first (mkdir -p).\n`
    )
    expect(loadAwsHalf).not.toHaveBeenCalled()
  })

  test.each<[string, (dir: string) => Promise<string>, RegExp]>([
    [
      'a folder',
      async dir => {
        await mkdir(path.join(dir, 'deploy.env'))
        return 'deploy.env'
      },
      /: that is a folder; give a file name in it, e\.g\. deploy\.env\.$/
    ],
    [
      'under a file',
      async () => 'index.html/deploy.env',
      /: part of its folder '.*index\.html' is a file, not a folder\.$/
    ],
    // Even root cannot create a file in sysfs.
    [
      'where nothing can be written',
      async () => '/sys/deploy.env',
      /: it cannot be written \(EACCES: permission denied\)\.$/
    ]
  ])('%s: refused before any request', async (_, given, message) => {
    const site = await makeSite({ 'index.html': 'home' })
    const run = await runPlain(
      ['--bucket', 'site-bucket', '--source', site, '--outputs-file', await given(site)],
      site
    )
    expect(run.code).toBe(1)
    expect(run.stderr.trim()).toMatch(
      /^Error: Input 'outputs-file' must be a file the job can write, got '/
    )
    expect(run.stderr.trim()).toMatch(message)
    expect(loadAwsHalf).not.toHaveBeenCalled()
  })

  test('checked without leaving a file behind, and written after the deploy', async () => {
    const site = await makeSite({ 'index.html': 'home' })
    const file = path.join(site, 'deploy.env')
    awsHalf.mockImplementation(async (_config, _platform, _env, result) => {
      // The check made no file: the deploy starts with none there.
      await expect(readFile(file)).rejects.toThrow('ENOENT')
      result.uploaded = 1
    })
    const run = await runPlain(
      ['--bucket', 'site-bucket', '--source', site, '--outputs-file', file],
      site
    )
    expect([run.code, run.stderr]).toEqual([0, ''])
    expect(await readFile(file, 'utf8')).toMatch(
      /^INVALIDATION_ID=\nINVALIDATION_STATUS=none\nUPLOADED=1\n/
    )
  })

  test('that cannot be written once the site is deployed: one error, once, saying the site was deployed and the outputs are missing', async () => {
    const site = await makeSite({ 'index.html': 'home' })
    const folder = await mkdtemp(path.join(os.tmpdir(), 'outputs-'))
    const file = path.join(folder, 'deploy.env')
    awsHalf.mockImplementation(async (_config, _platform, _env, result) => {
      result.uploaded = 1
      result.changedAnything = true
      // The folder goes while the deploy runs (a cleanup step, a full disk): only now can it fail.
      await rm(folder, { recursive: true })
    })
    const run = await runPlain(
      ['--bucket', 'site-bucket', '--source', site, '--prefix', 'docs', '--outputs-file', file],
      site
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `Error: The site was deployed to s3://site-bucket/docs/, but its outputs are missing: Input 'outputs-file': could not write '${file}' (ENOENT: no such file or directory). Later jobs get no outputs from this one; rerunning the deploy writes them.\n`
    )
    // The outputs are still in the log, for people.
    expect(run.stdout).toContain('uploaded=1\n')
  })

  test('a changes file that cannot be written once the site is deployed: one error saying so, the outputs set', async () => {
    const site = await makeSite({ 'index.html': 'home' })
    const folder = await mkdtemp(path.join(os.tmpdir(), 'changes-'))
    const file = path.join(folder, 'changes.json')
    awsHalf.mockImplementation(async (_config, _platform, _env, result) => {
      result.uploaded = 1
      result.changedAnything = true
      await rm(folder, { recursive: true })
    })
    const run = await runPlain(
      ['--bucket', 'site-bucket', '--source', site, '--changes-file', file],
      site
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /^Error: The site was deployed to s3:\/\/site-bucket\/, but its changes file is missing: Could not write the report of input 'changes-file' to '.*changes\.json': ENOENT[^\n]*\. Rerunning the deploy writes it\.\n$/
    )
    expect(run.stderr).not.toContain('outputs')
    expect(run.stdout).toContain('uploaded=1\n')
  })

  test('that cannot be written after a failed deploy: the failure, and the outputs missing, in one error', async () => {
    const site = await makeSite({ 'index.html': 'home' })
    const folder = await mkdtemp(path.join(os.tmpdir(), 'outputs-'))
    const file = path.join(folder, 'deploy.env')
    awsHalf.mockImplementation(async () => {
      await rm(folder, { recursive: true })
      throw new Error('Failed to upload a.css')
    })
    const run = await runPlain(
      ['--bucket', 'site-bucket', '--source', site, '--outputs-file', file],
      site
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `Error: Failed to upload a.css\nError: The outputs are missing too: Input 'outputs-file': could not write '${file}' (ENOENT: no such file or directory).\n`
    )
  })
})

test('a source that the filters leave empty is refused before the AWS half is loaded', async () => {
  const site = await makeSite({ 'index.html': 'home', 'a.css': 'css' })
  const run = await runPlain(['--bucket', 'site-bucket', '--source', site, '--include', '['], site)
  expect(run.code).toBe(1)
  expect(run.stderr).toMatch(
    /^Error: Input 'include' leaves nothing to deploy: 0 of 2 file\(s\) in '\S+' match include '\['\./
  )
  expect(loadAwsHalf).not.toHaveBeenCalled()
})

test('a web-identity-token too short to be a credential is not masked: the messages stay whole', async () => {
  const site = await makeSite({ 'index.html': 'home' })
  const run = await runPlain(
    ['--bucket', 'site-bucket', '--source', site, '--web-identity-token', 'tok'],
    site
  )
  expect(run.stderr).toBe(
    "Error: Input 'web-identity-token' is set but 'role-to-assume' is not: set the role to assume.\n"
  )
})

describe('the source', () => {
  const KVS =
    'arn:aws:cloudfront::123456789012:key-value-store/9e3a4c1d-1f2b-4c3d-8e9f-0a1b2c3d4e5f'

  test('with no file in it: a deploy is refused before the AWS half is loaded', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'empty-site-'))
    const run = await runPlain(['--bucket', 'site-bucket', '--source', empty], empty)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/Input 'source' is an empty folder/)
    expect(loadAwsHalf).not.toHaveBeenCalled()
    await rm(empty, { recursive: true })
  })

  test.each([
    ['a rollback', ['--rollback', 'previous', '--key-value-store', KVS]],
    ['a removal', ['--remove', 'true', '--prefix', 'docs']]
  ])('is not needed by %s, which publishes nothing from it', async (_, args) => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'no-site-'))
    const run = await runPlain(['--bucket', 'site-bucket', ...args], cwd)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(awsHalf).toHaveBeenCalledTimes(1)
    await rm(cwd, { recursive: true })
  })
})
