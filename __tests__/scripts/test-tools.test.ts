/**
 * `npm test`'s pretest check (scripts/test-tools.cjs), with a PATH made for each test: the real
 * moto_server, aws and rsync are on this machine, so "missing" is a PATH that lacks them, and
 * apt-get is a stand-in that records what it was asked and "installs" rsync into that PATH.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { checkTestTools, findOnPath } from '../../scripts/test-tools.cjs'
import { testOn } from '../helpers/platforms'
import { ROOT } from '../helpers/repo'

const SCRIPT = path.join(ROOT, 'scripts', 'test-tools.cjs')
/** Ceph RGW's daemons, present in every PATH below unless a test is about them. */
const CEPH = ['ceph-mon', 'ceph-osd', 'radosgw']

/** A folder to use as the whole PATH, holding do-nothing executables with these names. */
function pathWith(...commands: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tools-path-'))
  for (const command of commands) executable(dir, command, 'exit 0')
  return dir
}

/** A shell script; on Windows, named as a program there (only found, never run). */
function executable(dir: string, name: string, body: string): void {
  const file = path.join(dir, process.platform === 'win32' ? `${name}.cmd` : name)
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
}

/** The apt-get stand-in is a shell script: Windows has no /bin/sh to run it (nor apt-get). */
const withShell = testOn('linux', 'darwin')

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
    env: { PATH: pathWith('moto_server', 'aws', ...CEPH) },
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
    env: { PATH: pathWith('moto_server', 'aws', 'rsync', ...CEPH) },
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
  expect(message).toContain(
    '  - radosgw (Ceph RGW, the real S3-compatible store of the end-to-end tests): apt-get install ceph-mon ceph-osd radosgw (Debian, Ubuntu)'
  )
})

withShell('as root with apt-get: rsync is installed from Debian, then the check passes', () => {
  const dir = pathWith('moto_server', 'aws', ...CEPH)
  const aptLog = fakeAptGet(dir)
  const out = capture()
  expect(checkTestTools({ env: { PATH: dir }, isRoot: true, ...out })).toBe(0)
  expect(readFileSync(aptLog, 'utf8')).toBe(
    'update -qq\ninstall -y -qq --no-install-recommends rsync\n'
  )
  expect(out.lines.log).toEqual(["Installing rsync from Debian's packages (apt-get install) ..."])
  expect(out.lines.error).toEqual([])
})

test('not root: apt-get is not tried, rsync is reported missing', () => {
  const dir = pathWith('moto_server', 'aws', ...CEPH)
  const aptLog = fakeAptGet(dir)
  const out = capture()
  expect(checkTestTools({ env: { PATH: dir }, isRoot: false, ...out })).toBe(1)
  expect(() => readFileSync(aptLog)).toThrow()
  expect(out.lines.error.join('\n')).toContain('  - rsync (')
})

withShell('apt-get fails: said so, and rsync is reported missing', () => {
  const dir = pathWith('moto_server', 'aws', ...CEPH)
  fakeAptGet(dir, { fail: true })
  const out = capture()
  expect(checkTestTools({ env: { PATH: dir }, isRoot: true, ...out })).toBe(1)
  expect(out.lines.log).toContain('apt-get install failed (exit 100).')
  expect(out.lines.error.join('\n')).toContain('  - rsync (')
})

test('pip tools are never installed by the check (no registry but npm and Debian here)', () => {
  const dir = pathWith('rsync', ...CEPH)
  const aptLog = fakeAptGet(dir)
  const out = capture()
  expect(checkTestTools({ env: { PATH: dir }, isRoot: true, ...out })).toBe(1)
  expect(() => readFileSync(aptLog)).toThrow()
  expect(out.lines.error.join('\n')).toMatch(/moto_server[\s\S]*aws/)
})

describe('on Windows, programs are found by PATHEXT', () => {
  /** A folder holding files with these names (pip on Windows installs .exe and .cmd). */
  function folderWith(...names: string[]): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tools-pathext-'))
    for (const name of names) writeFileSync(path.join(dir, name), '')
    if (process.platform !== 'win32')
      for (const name of names) chmodSync(path.join(dir, name), 0o755)
    return dir
  }

  test('moto_server.exe, aws.cmd and rsync.exe count as moto_server, aws and rsync', () => {
    const dir = folderWith('moto_server.exe', 'aws.cmd', 'rsync.exe')
    const out = capture()
    const env = { PATH: dir, PATHEXT: '.COM;.EXE;.BAT;.CMD' }
    expect(checkTestTools({ env, platform: 'win32', isRoot: false, ...out })).toBe(0)
    expect(out.lines.error).toEqual([])
    expect(findOnPath('aws', dir, { platform: 'win32', pathExt: env.PATHEXT })).toBe(
      path.join(dir, 'aws.cmd')
    )
  })

  test('only the extensions in PATHEXT (or its default without it); a bare name is not a program', () => {
    const dir = folderWith('moto_server', 'aws.ps1', 'rsync.exe')
    expect(findOnPath('moto_server', dir, { platform: 'win32', pathExt: '.EXE' })).toBeUndefined()
    expect(findOnPath('aws', dir, { platform: 'win32', pathExt: '.EXE;.CMD' })).toBeUndefined()
    expect(findOnPath('aws', dir, { platform: 'win32', pathExt: '.EXE;.PS1' })).toBe(
      path.join(dir, 'aws.ps1')
    )
    expect(findOnPath('rsync', dir, { platform: 'win32', pathExt: undefined })).toBe(
      path.join(dir, 'rsync.exe')
    )
    expect(findOnPath('rsync.exe', dir, { platform: 'win32', pathExt: '.EXE' })).toBe(
      path.join(dir, 'rsync.exe')
    )
    // Elsewhere the name is the name.
    expect(findOnPath('rsync', dir, { platform: 'linux', pathExt: '.EXE' })).toBeUndefined()
  })
})
