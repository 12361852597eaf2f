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
  ...['ceph-mon', 'ceph-osd', 'radosgw'].map(command => ({
    command,
    why: 'Ceph RGW, the real S3-compatible store of the end-to-end tests',
    install: 'apt-get install ceph-mon ceph-osd radosgw (Debian, Ubuntu)',
    apt: command
  }))
]

/** The executable `command` on `searchPath` (a PATH value), or undefined. */
function findOnPath(command, searchPath) {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (dir === '') continue
    const file = path.join(dir, command)
    try {
      if (!statSync(file).isFile()) continue
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return undefined
}

/** The tools that are not on PATH. */
function missingTools(env) {
  return TOOLS.filter(tool => !findOnPath(tool.command, env.PATH))
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
  isRoot = process.getuid?.() === 0,
  log = console.log,
  error = console.error
} = {}) {
  let missing = missingTools(env)
  if (missing.length > 0 && installFromDebian(missing, env, isRoot, log))
    missing = missingTools(env)
  if (missing.length > 0) {
    error(missingMessage(missing))
    return 1
  }
  return 0
}

module.exports = { TOOLS, checkTestTools, findOnPath, missingTools }

if (require.main === module) process.exitCode = checkTestTools()
