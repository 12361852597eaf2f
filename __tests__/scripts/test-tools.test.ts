/**
 * `npm test`'s pretest check (scripts/test-tools.cjs), with a PATH made for each test: the real
 * moto_server, aws and rsync are on this machine, so "missing" is a PATH that lacks them, and
 * apt-get is a stand-in that records what it was asked and "installs" rsync into that PATH.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { checkTestTools } from '../../scripts/test-tools.cjs'
import { ROOT } from '../helpers/repo'

const SCRIPT = path.join(ROOT, 'scripts', 'test-tools.cjs')

/** A folder to use as the whole PATH, holding do-nothing executables with these names. */
function pathWith(...commands: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tools-path-'))
  for (const command of commands) executable(dir, command, 'exit 0')
  return dir
}

function executable(dir: string, name: string, body: string): void {
  writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`)
  chmodSync(path.join(dir, name), 0o755)
}

/** An apt-get that logs its arguments; `install` puts an rsync next to it, unless told to fail. */
function fakeAptGet(dir: string, { fail = false } = {}): string {
  const log = path.join(dir, 'apt.log')
  const install = fail
    ? 'exit 100'
    : `printf '#!/bin/sh\\nexit 0\\n' > '${dir}/rsync'; /bin/chmod 755 '${dir}/rsync'`
  executable(dir, 'apt-get', `echo "$*" >> '${log}'\n[ "$1" = install ] && { ${install}; }\nexit 0`)
  return log
}

function capture() {
  const lines = { log: [] as string[], error: [] as string[] }
  return {
    lines,
    log: (l: string) => lines.log.push(l),
    error: (l: string) => lines.error.push(l)
  }
}

test('run as npm runs it: a PATH without rsync (and no apt-get) stops the tests, naming only rsync', () => {
  const run = spawnSync(process.execPath, [SCRIPT], {
    env: { PATH: pathWith('moto_server', 'aws') },
    encoding: 'utf8'
  })
  expect(run.status).toBe(1)
  expect(run.stderr).toContain('npm test needs these programs, which are not on PATH:')
  expect(run.stderr).toContain(
    '  - rsync (gitlab-ci-local copies the project with it): apt-get install rsync (Debian, Ubuntu) or brew install rsync (macOS)'
  )
  expect(run.stderr).not.toContain('moto_server')
  expect(run.stderr).not.toMatch(/ - aws /)
})

test('every tool there: passes quietly', () => {
  const run = spawnSync(process.execPath, [SCRIPT], {
    env: { PATH: pathWith('moto_server', 'aws', 'rsync') },
    encoding: 'utf8'
  })
  expect([run.status, run.stdout, run.stderr]).toEqual([0, '', ''])
})

test('nothing there: each tool is named with how to install it', () => {
  const out = capture()
  expect(checkTestTools({ env: { PATH: pathWith() }, isRoot: false, ...out })).toBe(1)
  const message = out.lines.error.join('\n')
  expect(message).toContain(
    "  - moto_server (the local AWS stand-in of the end-to-end tests): pip install 'moto[server]'"
  )
  expect(message).toContain(
    '  - aws (checks the bucket in the end-to-end tests): pip install awscli'
  )
  expect(message).toContain('  - rsync (')
})

test('as root with apt-get: rsync is installed from Debian, then the check passes', () => {
  const dir = pathWith('moto_server', 'aws')
  const aptLog = fakeAptGet(dir)
  const out = capture()
  expect(checkTestTools({ env: { PATH: dir }, isRoot: true, ...out })).toBe(0)
  expect(readFileSync(aptLog, 'utf8')).toBe('update -qq\ninstall -y -qq rsync\n')
  expect(out.lines.log).toEqual(["Installing rsync from Debian's packages (apt-get install) ..."])
  expect(out.lines.error).toEqual([])
})

test('not root: apt-get is not tried, rsync is reported missing', () => {
  const dir = pathWith('moto_server', 'aws')
  const aptLog = fakeAptGet(dir)
  const out = capture()
  expect(checkTestTools({ env: { PATH: dir }, isRoot: false, ...out })).toBe(1)
  expect(() => readFileSync(aptLog)).toThrow()
  expect(out.lines.error.join('\n')).toContain('  - rsync (')
})

test('apt-get fails: said so, and rsync is reported missing', () => {
  const dir = pathWith('moto_server', 'aws')
  fakeAptGet(dir, { fail: true })
  const out = capture()
  expect(checkTestTools({ env: { PATH: dir }, isRoot: true, ...out })).toBe(1)
  expect(out.lines.log).toContain('apt-get install failed (exit 100).')
  expect(out.lines.error.join('\n')).toContain('  - rsync (')
})

test('pip tools are never installed by the check (no registry but npm and Debian here)', () => {
  const dir = pathWith('rsync')
  const aptLog = fakeAptGet(dir)
  const out = capture()
  expect(checkTestTools({ env: { PATH: dir }, isRoot: true, ...out })).toBe(1)
  expect(() => readFileSync(aptLog)).toThrow()
  expect(out.lines.error.join('\n')).toMatch(/moto_server[\s\S]*aws/)
})
