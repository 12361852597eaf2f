import { readdirSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { readRepoFile, ROOT } from './repo'

/**
 * An example under examples/, exactly as the docs show it (npm run generate copies it into
 * them): its text, and its YAML (a JSON report parses as YAML too).
 */
export function example(rel: string): { text: string; yaml: any } {
  const text = readRepoFile(`examples/${rel}`)
  return { text, yaml: parse(text) }
}

/**
 * Every example the docs show: the pipelines and recipes (`github/deploy.yml`, `gitlab/…`,
 * `recipes/…`) and the reports (`reports/changes.json`).
 */
export function allExamples(): string[] {
  return readdirSync(path.join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.yml') || f.endsWith('.json'))
    .map(f => f.split(path.sep).join('/'))
    .sort()
}
