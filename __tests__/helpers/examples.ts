import { readdirSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { readRepoFile, ROOT } from './repo'

/**
 * An example pipeline under examples/, exactly as the docs show it (npm run generate copies it
 * into them): its text, and its YAML.
 */
export function example(rel: string): { text: string; yaml: any } {
  const text = readRepoFile(`examples/${rel}`)
  return { text, yaml: parse(text) }
}

/** Every example pipeline and recipe: `github/deploy.yml`, `gitlab/…`, `recipes/…`. */
export function allExamples(): string[] {
  return readdirSync(path.join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.yml'))
    .map(f => f.split(path.sep).join('/'))
    .sort()
}
