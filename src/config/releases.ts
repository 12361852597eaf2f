import { InputError, invalidInput } from './input-error'
import { parseBoolean, parseInteger } from './parse'
import type { RawInputs } from './read'
import { defaultOf, type InputName } from './inputs'
import { RELEASE_ID } from '../plan/release-route'

/** Release mode (docs/release-mode.md): where the live release is named, and what is kept. */
export interface ReleaseConfig {
  /** The ARN of the KeyValueStore the release router reads. */
  store: string
  /** How many releases are kept; the live one and the one before it always are. */
  keep: number
  /** `previous` or a release id: make it live again instead of deploying. */
  rollback: string | undefined
}

const KVS_ARN = /^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]+$/

/**
 * `releases`, `rollback`, `key-value-store` and `keep-releases`; undefined when neither release
 * mode nor a rollback is asked for, so a deploy is what it has always been. Inputs that mean
 * nothing in release mode are refused rather than ignored.
 */
export function parseReleases(
  raw: RawInputs,
  get: (name: InputName) => string
): ReleaseConfig | undefined {
  const releases = parseBoolean('releases', get('releases'))
  const rollback = raw.rollback
  if (rollback !== undefined && rollback !== 'previous' && !RELEASE_ID.test(rollback)) {
    throw invalidInput(
      'rollback',
      rollback,
      "must be 'previous' or a release id such as 20261204T153012Z-5a6717a"
    )
  }
  if (!releases && rollback === undefined) {
    for (const name of ['key-value-store', 'keep-releases'] as const) {
      // The action's own default, which GitHub's runner and the component pass on every run, is
      // not "set".
      if (raw[name] !== undefined && raw[name] !== defaultOf(name)) {
        throw new InputError(
          `Input '${name}' is set but 'releases' is not: it belongs to release mode. Set releases: true, or leave it out.`
        )
      }
    }
    return undefined
  }
  const mode = rollback === undefined ? 'releases: true' : 'rollback'
  const store = raw['key-value-store']
  if (store === undefined) {
    throw new InputError(
      `Input 'key-value-store' is required with ${mode}: the ARN of the KeyValueStore the release router reads, e.g. arn:aws:cloudfront::123456789012:key-value-store/9e3a4c1d-... (see docs/release-mode.md).`
    )
  }
  if (!KVS_ARN.test(store)) {
    throw invalidInput(
      'key-value-store',
      store,
      'must be the ARN of a CloudFront KeyValueStore, such as arn:aws:cloudfront::123456789012:key-value-store/9e3a4c1d-1f2b-4c3d-8e9f-0a1b2c3d4e5f'
    )
  }
  // A release holds exactly the build, and no invalidation is needed: these would do nothing.
  const meaningless: [InputName, string][] = [
    ['delete', 'each release holds exactly the build; old releases go by keep-releases'],
    ['keep-removed-assets', 'old releases stay until keep-releases retires them'],
    ['paths', 'a switch needs no invalidation'],
    ['remove', 'a removal deletes the whole prefix, releases included, without release mode']
  ]
  for (const [name, why] of meaningless) {
    const value = raw[name]
    if (value === undefined || value === 'false' || value === '0') continue
    throw new InputError(`Input '${name}' does not apply with ${mode}: ${why}. Leave it out.`)
  }
  return {
    store,
    keep: parseInteger('keep-releases', get('keep-releases'), 2, 100),
    rollback
  }
}
