import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import { cleanEnv } from './aws'
import { runProcess } from './process'

import { ROOT } from './repo'

/**
 * A site's repository, as the example pipelines expect one: `npm ci` works (an empty lock) and
 * `npm run build` copies `site/` (the given files) into `public/`; `files` are more files of the
 * project. With `branch`, it is a git repository on that branch, everything committed, with an
 * origin remote that can never resolve.
 */
export async function siteProject(
  pipeline: Record<string, unknown>,
  site: Record<string, string>,
  options: { branch?: string; prefix?: string; files?: Record<string, string> } = {}
): Promise<string> {
  const project = await mkdtemp(path.join(os.tmpdir(), options.prefix ?? 'gitlab-project-'))
  await writeFile(path.join(project, '.gitlab-ci.yml'), stringify(pipeline))
  const write = async (rel: string, content: string) => {
    const file = path.join(project, ...rel.split('/'))
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, content)
  }
  for (const [rel, content] of Object.entries(site)) await write(`site/${rel}`, content)
  for (const [rel, content] of Object.entries(options.files ?? {})) await write(rel, content)
  const pkg = {
    name: 'site',
    version: '1.0.0',
    private: true,
    scripts: { build: `node -e "require('fs').cpSync('site','public',{recursive:true})"` }
  }
  await writeFile(path.join(project, 'package.json'), JSON.stringify(pkg))
  await writeFile(
    path.join(project, 'package-lock.json'),
    JSON.stringify({
      name: 'site',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'site', version: '1.0.0' } }
    })
  )
  if (options.branch) {
    const git = (...args: string[]) => promisify(execFile)('git', args, { cwd: project })
    await git('init', '-q', '-b', options.branch)
    await git('add', '-A')
    await git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'site')
    await git('remote', 'add', 'origin', 'https://gitlab.invalid/my-group/my-site.git')
  }
  return project
}

/** The example pipelines run in the host shell here: no containers, so `image:` is dropped. */
export function withoutImages<T extends Record<string, unknown>>(pipeline: T): T {
  for (const job of Object.values(pipeline))
    if (job && typeof job === 'object') delete (job as { image?: unknown }).image
  return pipeline
}

/** gitlab-ci-local (the project's pinned one), bounded; its whole log as one string. */
export async function gitlabCiLocal(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
  timeoutMs = 240_000
): Promise<{ code: number; log: string }> {
  const gcl = path.join(ROOT, 'node_modules', '.bin', 'gitlab-ci-local')
  const { code, stdout, stderr } = await runProcess(gcl, args, { cwd, env, timeoutMs })
  return { code, log: `${stdout}\n${stderr}` }
}
