import { MIN_KEPT_PER_PATH } from '../plan/fold'
import {
  alternatives,
  CANNED_ACLS,
  oneOf,
  OUTSIDE_SYMLINKS,
  SSE_ALGORITHMS,
  STORAGE_CLASSES
} from './choices'

/**
 * The public contract: every input and output of the action, in one table. `npm run generate`
 * (scripts/generate.cjs) writes action.yml's inputs and outputs, the GitLab component's
 * `spec: inputs:` and job, and the README's tables from it; `--help` reads it at run time; a
 * contract test fails when any of them differ. Descriptions are Markdown (`code` and links to
 * docs/); plainText() gives them to action.yml, the component and --help.
 */
export type InputKind = 'string' | 'boolean' | 'integer' | 'list'

export interface InputSpec {
  readonly name: string
  readonly kind: InputKind
  /** Markdown, one paragraph; links are relative to the repository root. */
  readonly description: string
  /** Applied in code: outside GitHub nobody applies action.yml defaults. */
  readonly default?: string
  readonly required?: boolean
  /** Shown in --help as the value placeholder. */
  readonly placeholder?: string
  /** What an empty default means, for the README's Default column (e.g. "every file"). */
  readonly unset?: string
}

export const INPUTS = [
  {
    name: 'source',
    kind: 'string',
    default: 'public',
    placeholder: 'DIR',
    description:
      'Folder to publish (the built site), relative to the working directory. Must exist and hold a file that `include` and `exclude` keep.'
  },
  {
    name: 'bucket',
    kind: 'string',
    required: true,
    placeholder: 'NAME',
    description: 'S3 bucket to sync to: a name, not a URL.'
  },
  {
    name: 'prefix',
    kind: 'string',
    default: '',
    placeholder: 'PATH',
    unset: 'the bucket root',
    description:
      'Key prefix (folder) in the bucket, e.g. `docs` or `site/v2`; unset for the bucket root.'
  },
  {
    name: 'include',
    kind: 'list',
    default: '',
    placeholder: 'GLOBS',
    unset: 'every file',
    description:
      'Only files matching one of these globs (one per line) are synced. A glob without `/` matches the file name at any depth. See [patterns](docs/headers-and-recipes.md#patterns).'
  },
  {
    name: 'exclude',
    kind: 'list',
    default: '',
    placeholder: 'GLOBS',
    unset: 'none',
    description:
      'Files matching one of these globs (one per line) are neither uploaded nor deleted, e.g. `*.md`.'
  },
  {
    name: 'cache-control',
    kind: 'list',
    default: '',
    placeholder: 'RULES',
    unset: 'none set',
    description:
      '`Cache-Control` by pattern, one `PATTERN: VALUE` per line; the first match wins, e.g. `*.html: no-cache`. See [headers](docs/headers-and-recipes.md).'
  },
  {
    name: 'content-type',
    kind: 'list',
    default: '',
    placeholder: 'RULES',
    unset: 'detected',
    description:
      '`Content-Type` by pattern, one `PATTERN: VALUE` per line, before detection from the extension, e.g. `feed: application/rss+xml`.'
  },
  {
    name: 'compress',
    kind: 'list',
    default: '',
    placeholder: 'RULES',
    unset: 'none',
    description:
      'Store matching files compressed, with `Content-Encoding`: one `PATTERN: ENCODING` per line (`gzip` or `br`), the first match wins, e.g. `*.html: gzip`. Every client gets the compressed bytes. See [compression](docs/compression.md).'
  },
  {
    name: 'precompressed',
    kind: 'boolean',
    default: 'false',
    description:
      "Store the build's `x.js.gz` or `x.js.br` as `x.js`, with its `Content-Encoding` (gzip's when both exist); the siblings are not published. See [compression](docs/compression.md#precompressed-files)."
  },
  {
    name: 'acl',
    kind: 'string',
    default: '',
    placeholder: alternatives(CANNED_ACLS),
    unset: 'none sent',
    description: `Canned ACL for uploaded objects: ${oneOf(CANNED_ACLS)}. Buckets created since 2023 refuse ACLs.`
  },
  {
    name: 'storage-class',
    kind: 'string',
    default: '',
    placeholder: alternatives(STORAGE_CLASSES),
    unset: 'the bucket default',
    description: `Storage class of uploaded objects: ${oneOf(STORAGE_CLASSES)} (archive classes cannot serve a website).`
  },
  {
    name: 'sse',
    kind: 'string',
    default: '',
    placeholder: alternatives(SSE_ALGORITHMS),
    unset: 'the bucket default',
    description: `Server-side encryption of uploaded objects: ${oneOf(SSE_ALGORITHMS)}.`
  },
  {
    name: 'sse-kms-key-id',
    kind: 'string',
    default: '',
    placeholder: 'KEY',
    unset: 'the AWS managed key',
    description: 'KMS key (ID, ARN or alias) for `sse: aws:kms` or `sse: aws:kms:dsse`.'
  },
  {
    name: 'manifest-key',
    kind: 'string',
    default: '.s3-cloudfront-deploy.json',
    placeholder: 'KEY',
    description:
      "Key, under the prefix, of the action's [state object](docs/lock-and-state.md#the-state-object), which also holds the [lock](docs/lock-and-state.md#deploys-at-the-same-time-the-lock); its lease object is beside it, with the extension `.lock`. Never deleted or invalidated by the sync."
  },
  {
    name: 'lock-timeout',
    kind: 'integer',
    default: '600',
    placeholder: 'SECONDS',
    description:
      'While another deploy to the same bucket and prefix holds the lock, wait up to this many seconds, then fail having changed nothing. `0`: fail at once.'
  },
  {
    name: 'lock',
    kind: 'boolean',
    default: 'true',
    description:
      'Take a [lock](docs/lock-and-state.md#deploys-at-the-same-time-the-lock) with S3 conditional writes, so two deploys to the same bucket and prefix never mix their files. A deploy first makes sure the store honours conditional writes, and refuses otherwise. `false`: deploy without a lock, for a store that does not honour them (with a warning); queue deploys in CI instead.'
  },
  {
    name: 'lock-lease',
    kind: 'integer',
    default: '90',
    placeholder: 'SECONDS',
    description:
      "How long the lock's lease lasts without a renewal, in seconds (10–900; renewed every 2/9 of it): a deploy that dies blocks the next one this long at most. Every deploy judges a lease by the length its holder recorded, so a short one only shortens its own holder's."
  },
  {
    name: 'distribution-id',
    kind: 'string',
    default: '',
    placeholder: 'ID',
    unset: 'no invalidation',
    description:
      'CloudFront distribution to invalidate. Several IDs (comma or newline separated) get one invalidation each.'
  },
  {
    name: 'paths',
    kind: 'list',
    default: '',
    placeholder: 'PATHS',
    unset: 'what changed',
    description:
      'Invalidation paths, separated by newlines or commas (e.g. `/*`), sent as given. Each must start with `/` and have `*` only at the end; at most 3,000 paths and 15 wildcards. Default: the URLs of what changed. See [invalidation](docs/how-it-works.md#invalidation).'
  },
  {
    name: 'invalidation-max-paths',
    kind: 'integer',
    default: '15',
    placeholder: 'N',
    description: `Most paths in one invalidation (1-3,000). A longer list of changed URLs is [folded](docs/how-it-works.md#folding) into wildcards, spending a path only where it keeps at least ${MIN_KEPT_PER_PATH} unchanged URLs cached.`
  },
  {
    name: 'delete',
    kind: 'boolean',
    default: 'false',
    description: 'Delete objects under the prefix that are no longer in the source.'
  },
  {
    name: 'keep-removed-assets',
    kind: 'string',
    default: '0',
    placeholder: 'DURATION',
    description:
      'With `delete`, keep a file that left the build (HTML pages aside) this long before deleting it: `7d`, `12h`, `30m` or `45s`, so tabs still running the previous build can load its lazy chunks. Not invalidated meanwhile. `0`: delete at once. See [removed assets](docs/how-it-works.md#removed-assets-a-grace-period-for-code-split-apps).'
  },
  {
    name: 'remove',
    kind: 'boolean',
    default: 'false',
    description:
      "Instead of deploying, remove everything under `prefix` and invalidate it: a [preview's teardown](docs/previews.md). Needs a prefix where this action has deployed; `source` is not needed."
  },
  {
    name: 'releases',
    kind: 'boolean',
    default: 'false',
    description:
      '[Release mode](docs/release-mode.md): each deploy writes a complete release under `<prefix>_releases/<id>/`, copying unchanged files server-side, and makes it live with one write to the `key-value-store`, which the release router (a CloudFront Function) reads: no mixed builds, no invalidation. Off: every deploy is as without it.'
  },
  {
    name: 'key-value-store',
    kind: 'string',
    default: '',
    placeholder: 'ARN',
    unset: 'none (needed by `releases` and `rollback`)',
    description:
      'ARN of the CloudFront KeyValueStore that the [release router](docs/release-mode.md#the-function) reads, e.g. `arn:aws:cloudfront::123456789012:key-value-store/9e3a4c1d-…`.'
  },
  {
    name: 'keep-releases',
    kind: 'integer',
    default: '5',
    placeholder: 'N',
    description:
      'Release mode: how many releases to keep (2–100). Older ones are deleted after the switch; the live one and the one live before it never are.'
  },
  {
    name: 'rollback',
    kind: 'string',
    default: '',
    placeholder: 'previous|ID',
    unset: 'none',
    description:
      '`previous`, or a release id: make that release live again with one write to the `key-value-store`, without uploading or invalidating anything; `source` is not needed. A release that is no longer in the bucket is refused before anything changes.'
  },
  {
    name: 'max-deletes',
    kind: 'integer',
    default: '256',
    placeholder: 'N',
    description:
      'Refuse the whole deploy, before changing anything, when it would delete more objects than this; `-1` for no limit. A removed asset kept by `keep-removed-assets` counts in the deploy that deletes it. Not applied by `remove`.'
  },
  {
    name: 'dry-run',
    kind: 'boolean',
    default: 'false',
    description: 'Print the plan (uploads, deletions, invalidation paths) and change nothing.'
  },
  {
    name: 'wait',
    kind: 'boolean',
    default: 'false',
    description: 'Wait until the invalidation has completed.'
  },
  {
    name: 'wait-timeout',
    kind: 'integer',
    default: '600',
    placeholder: 'SECONDS',
    description: 'With `wait`, how long to wait for the invalidation, in seconds.'
  },
  {
    name: 'fail-on-wait-timeout',
    kind: 'boolean',
    default: 'false',
    description:
      'With `wait`, fail the step when the invalidation is still in progress at `wait-timeout`. By default that is a warning: the files are deployed, and `invalidation-status` stays `InProgress`.'
  },
  {
    name: 'outside-symlinks',
    kind: 'string',
    default: 'skip',
    placeholder: alternatives(OUTSIDE_SYMLINKS),
    description:
      'A symbolic link that leads outside `source` is never published: `skip` it with a warning, or `fail` the deploy.'
  },
  {
    name: 'region',
    kind: 'string',
    default: '',
    placeholder: 'REGION',
    unset: '`AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`',
    description: 'AWS region of the bucket.'
  },
  {
    name: 'endpoint',
    kind: 'string',
    default: '',
    placeholder: 'URL',
    unset: 'AWS S3 (or `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`)',
    description:
      'URL of an [S3-compatible store](docs/stores.md) (Cloudflare R2, MinIO, Ceph RGW, DigitalOcean Spaces, …), e.g. `https://<account-id>.r2.cloudflarestorage.com`; for S3 requests only, never CloudFront.'
  },
  {
    name: 'path-style',
    kind: 'boolean',
    default: 'false',
    description:
      'Address the bucket in the path of the URL (`https://host/bucket/key`) rather than in its host name (`https://bucket.host/key`), as MinIO and most self-hosted [stores](docs/stores.md) need.'
  },
  {
    name: 'concurrency',
    kind: 'integer',
    default: '32',
    placeholder: 'N',
    description: 'Parallel requests to S3 (1-256); also the size of the keep-alive connection pool.'
  },
  {
    name: 'role-to-assume',
    kind: 'string',
    default: '',
    placeholder: 'ARN',
    unset: "the SDK's credential chain",
    description: 'IAM role to assume with a web identity (OIDC) token (AssumeRoleWithWebIdentity).'
  },
  {
    name: 'web-identity-token',
    kind: 'string',
    default: '',
    placeholder: 'TOKEN',
    unset: "on GitHub: the job's OIDC token",
    description:
      "The OIDC token for `role-to-assume`, e.g. a GitLab `id_tokens` variable. On GitHub, when empty, the job's own token for audience `sts.amazonaws.com` (needs `permissions: id-token: write`). Never printed."
  },
  {
    name: 'role-session-name',
    kind: 'string',
    default: '',
    placeholder: 'NAME',
    unset: '`s3-cloudfront-deploy-<run or job ID>`',
    description: 'Session name of the assumed role (shows in CloudTrail).'
  },
  {
    name: 'role-duration-seconds',
    kind: 'integer',
    default: '3600',
    placeholder: 'SECONDS',
    description:
      'With `role-to-assume`, the lifetime of the assumed credentials (900-43,200 s); they are renewed if a deploy outlasts them.'
  },
  {
    name: 'outputs-file',
    kind: 'string',
    default: '',
    placeholder: 'FILE',
    unset: 'none',
    description:
      'Also write the outputs to this dotenv file (for GitLab `artifacts:reports:dotenv`); its folder must exist.'
  },
  {
    name: 'changes-file',
    kind: 'string',
    default: '',
    placeholder: 'FILE',
    unset: 'none',
    description:
      'Write a JSON report of every key changed and why, and what was invalidated, also in a dry run. See [the changes file](docs/changes-file.md).'
  }
] as const satisfies readonly InputSpec[]

export type InputName = (typeof INPUTS)[number]['name']

/** What an output says, in Markdown, like an input's description. */
export interface OutputSpec {
  readonly name: string
  readonly description: string
}

/** The outputs, in the order they are reported. */
export const OUTPUTS = [
  {
    name: 'invalidation-id',
    description:
      'ID of the CloudFront invalidation; empty when none was created. Several distributions: a JSON object by distribution ID.'
  },
  {
    name: 'invalidation-status',
    description:
      'Status as CloudFront reports it (`InProgress`, `Completed`), or `none` when no invalidation was created. Several distributions: a JSON object.'
  },
  {
    name: 'invalidation-paths',
    description:
      'JSON array of the paths sent for invalidation (`[]` when none). Several distributions: a JSON object of arrays.'
  },
  {
    name: 'uploaded',
    description: 'Number of files uploaded (in a dry run: that would be uploaded).'
  },
  {
    name: 'deleted',
    description:
      'Number of objects deleted (in a dry run: that would be deleted); removed assets kept by `keep-removed-assets` count in the deploy that deletes them.'
  },
  {
    name: 'updated',
    description:
      'Number of objects whose headers were updated in place, content unchanged (in a dry run: that would be).'
  },
  { name: 'unchanged', description: 'Number of files already up to date.' },
  {
    name: 'release',
    description:
      'Release mode: the id of the release made live (by a deploy or a rollback); empty otherwise.'
  },
  {
    name: 'url',
    description:
      "Address of what was deployed, `https://<host>/<prefix>/`: the first distribution's first alias naming one host, else its `*.cloudfront.net` domain. Empty without a distribution. See [previews](docs/previews.md)."
  },
  {
    name: 'changes-file',
    description:
      'Path of the JSON report written for `changes-file` (absolute); empty when it is not set.'
  }
] as const satisfies readonly OutputSpec[]

export type OutputName = (typeof OUTPUTS)[number]['name']

/** The same table, widened for code that reads optional fields. */
export const INPUT_SPECS: readonly InputSpec[] = INPUTS

/** Markdown of a description as plain text, for action.yml, the component and --help. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/ See \[[^\]]+\]\([^)]+\)\./g, '') // a pointer to the docs, which plain text lacks
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
}

/** The action's default for an input, '' for none: what GitHub's runner passes when it is unset. */
export function defaultOf(name: InputName): string {
  return INPUT_SPECS.find(i => i.name === name)?.default ?? ''
}
