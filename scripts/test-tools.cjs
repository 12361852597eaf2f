#!/usr/bin/env node
// `npm test` runs this first (pretest). The end-to-end tests need moto_server, the aws CLI,
// rsync (gitlab-ci-local copies the project with it) and Ceph RGW (a real S3-compatible store).
// On a fresh machine rsync and Ceph may be missing: as root with apt-get, they are installed from
// Debian's packages (as .ci/run does); anything still missing is named, with how to install it,
// and the tests do not start.
'use strict'
const { spawnSync } = require('node:child_process')
const { accessSync, constants, statSync } = require('node:fs')
const path = require('node:path')

const TOOLS = [
  {
    command: 'moto_server',
    why: 'the local AWS stand-in of the end-to-end tests',
    install: "pip install 'moto[server]'"
  },
  {
    command: 'aws',
    why: 'checks the bucket in the end-to-end tests',
    install: 'pip install awscli'
  },
  {
    command: 'rsync',
    why: 'gitlab-ci-local copies the project with it',
    install: 'apt-get install rsync (Debian, Ubuntu) or brew install rsync (macOS)',
    apt: 'rsync'
  },
  // Debian's packages, on Linux: the end-to-end suite runs there only.
  ...['ceph-mon', 'ceph-osd', 'radosgw'].map(command => ({
    command,
    why: 'Ceph RGW, the real S3-compatible store of the end-to-end tests',
    install: 'apt-get install ceph-mon ceph-osd radosgw (Debian, Ubuntu)',
    apt: command,
    platforms: ['linux']
  }))
]

/**
 * The names `command` may have on disk. On Windows a program is found by the extensions in
 * PATHEXT (pip installs moto_server.exe, aws.cmd): a name without one is not run.
 */
function candidateNames(command, platform, pathExt) {
  if (platform !== 'win32') return [command]
  const extensions = (pathExt || '.COM;.EXE;.BAT;.CMD').split(';').filter(ext => ext !== '')
  const names = extensions.map(ext => command + ext.toLowerCase())
  // A name given with its extension (node.exe) is also taken as it is.
  return extensions.some(ext => command.toLowerCase().endsWith(ext.toLowerCase()))
    ? [command, ...names]
    : names
}

/** The executable `command` on `searchPath` (a PATH value), or undefined. */
function findOnPath(
  command,
  searchPath,
  { platform = process.platform, pathExt = process.env.PATHEXT } = {}
) {
  const names = candidateNames(command, platform, pathExt)
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (dir === '') continue
    for (const name of names) {
      const file = path.join(dir, name)
      try {
        if (!statSync(file).isFile()) continue
        // On Windows, X_OK only checks that the file exists.
        accessSync(file, constants.X_OK)
        return file
      } catch {
        // not here
      }
    }
  }
  return undefined
}

/** The tools that are not on PATH. */
function missingTools(env, platform = process.platform) {
  const options = { platform, pathExt: env.PATHEXT }
  return TOOLS.filter(
    tool =>
      (!tool.platforms || tool.platforms.includes(platform)) &&
      !findOnPath(tool.command, env.PATH, options)
  )
}

/**
 * Installs the Debian packages of the missing tools that have one, when that is possible without
 * asking anyone: as root, with apt-get on PATH. Returns whether it tried.
 */
function installFromDebian(missing, env, isRoot, log) {
  const packages = missing.filter(tool => tool.apt).map(tool => tool.apt)
  const aptGet = findOnPath('apt-get', env.PATH)
  if (packages.length === 0 || !isRoot || !aptGet) return false
  log(`Installing ${packages.join(', ')} from Debian's packages (apt-get install) ...`)
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages]
  ]) {
    const run = spawnSync(aptGet, args, { env: aptEnv, stdio: ['ignore', 'inherit', 'inherit'] })
    if (run.status !== 0) {
      log(`apt-get ${args[0]} failed (exit ${run.status ?? run.error?.message}).`)
      return true
    }
  }
  return true
}

function missingMessage(missing) {
  return [
    'npm test needs these programs, which are not on PATH:',
    ...missing.map(tool => `  - ${tool.command} (${tool.why}): ${tool.install}`),
    'Install them, then run npm test again. (npm run test:unit runs the unit tests without them.)'
  ].join('\n')
}

/** 0 when every tool is there (after installing what can be), else 1 with the message on stderr. */
function checkTestTools({
  env = process.env,
  platform = process.platform,
  isRoot = process.getuid?.() === 0,
  log = console.log,
  error = console.error
} = {}) {
  let missing = missingTools(env, platform)
  if (missing.length > 0 && installFromDebian(missing, env, isRoot, log))
    missing = missingTools(env, platform)
  if (missing.length > 0) {
    error(missingMessage(missing))
    return 1
  }
  return 0
}

module.exports = { TOOLS, checkTestTools, findOnPath, missingTools }

if (require.main === module) process.exitCode = checkTestTools()
