import { MIN_KEPT_PER_PATH } from '../plan/fold'

/**
 * The public contract: every input of the action, in one table. action.yml, `--help`,
 * the README tables and the reader all follow this list (a unit test keeps action.yml in step).
 */
export type InputKind = 'string' | 'boolean' | 'integer' | 'list'

export interface InputSpec {
  readonly name: string
  readonly kind: InputKind
  readonly description: string
  /** Applied in code: outside GitHub nobody applies action.yml defaults. */
  readonly default?: string
  readonly required?: boolean
  /** Shown in --help as the value placeholder. */
  readonly placeholder?: string
}

export const INPUTS = [
  {
    name: 'source',
    kind: 'string',
    default: 'public',
    placeholder: 'DIR',
    description: 'Folder to publish (the built site), relative to the working directory.'
  },
  {
    name: 'bucket',
    kind: 'string',
    required: true,
    placeholder: 'NAME',
    description: 'S3 bucket to sync to.'
  },
  {
    name: 'prefix',
    kind: 'string',
    default: '',
    placeholder: 'PATH',
    description: 'Key prefix (folder) in the bucket. Empty publishes at the bucket root.'
  },
  {
    name: 'include',
    kind: 'list',
    default: '',
    placeholder: 'GLOBS',
    description:
      'Only files matching one of these globs (one per line) are synced. Empty: every file. A glob without "/" matches the file name at any depth.'
  },
  {
    name: 'exclude',
    kind: 'list',
    default: '',
    placeholder: 'GLOBS',
    description:
      'Files matching one of these globs (one per line) are neither uploaded nor deleted, e.g. "*.md".'
  },
  {
    name: 'cache-control',
    kind: 'list',
    default: '',
    placeholder: 'RULES',
    description:
      'Cache-Control by pattern, one "PATTERN: VALUE" per line; the first match wins, e.g. "*.html: no-cache". Empty: none set.'
  },
  {
    name: 'content-type',
    kind: 'list',
    default: '',
    placeholder: 'RULES',
    description:
      'Content-Type by pattern, one "PATTERN: VALUE" per line, before detection from the extension, e.g. "feed: application/rss+xml".'
  },
  {
    name: 'acl',
    kind: 'string',
    default: '',
    placeholder: 'ACL',
    description:
      'Canned ACL for uploaded objects, e.g. public-read. Empty: none sent (buckets created since 2023 refuse ACLs).'
  },
  {
    name: 'storage-class',
    kind: 'string',
    default: '',
    placeholder: 'CLASS',
    description:
      'Storage class of uploaded objects, e.g. INTELLIGENT_TIERING. Empty: the bucket default (STANDARD).'
  },
  {
    name: 'sse',
    kind: 'string',
    default: '',
    placeholder: 'AES256|aws:kms',
    description:
      'Server-side encryption for uploaded objects: AES256 or aws:kms. Empty: the bucket default.'
  },
  {
    name: 'sse-kms-key-id',
    kind: 'string',
    default: '',
    placeholder: 'KEY',
    description: 'KMS key (ID, ARN or alias) for sse: aws:kms. Empty: the AWS managed key.'
  },
  {
    name: 'manifest-key',
    kind: 'string',
    default: '.s3-cloudfront-deploy.json',
    placeholder: 'KEY',
    description:
      'Key, under the prefix, of the small state object that records what each deploy wrote (content MD5 and header digest per file, keyed by a digest of the key) and holds the lock. Its lease object is beside it, with the extension .lock. Never deleted or invalidated by the sync.'
  },
  {
    name: 'lock-timeout',
    kind: 'integer',
    default: '600',
    placeholder: 'SECONDS',
    description:
      'How long to wait, in seconds, while another deploy to the same bucket and prefix holds the lock; then fail, changing nothing. 0: fail at once.'
  },
  {
    name: 'lock',
    kind: 'boolean',
    default: 'true',
    description:
      'Take a lock (with S3 conditional writes) so two deploys to the same bucket and prefix never mix their files. A deploy first makes sure the store honours conditional writes, and refuses otherwise. false: deploy without a lock, for a store that does not honour them (with a warning).'
  },
  {
    name: 'lock-lease',
    kind: 'integer',
    default: '90',
    placeholder: 'SECONDS',
    description:
      "How long the lock's lease lasts without a renewal, in seconds (10-900; renewed every 2/9 of it): a deploy that dies blocks the next one this long at most. Every deploy judges a lease by the length its holder recorded, so a short one only shortens its own holder's."
  },
  {
    name: 'distribution-id',
    kind: 'string',
    default: '',
    placeholder: 'ID',
    description:
      'CloudFront distribution to invalidate; several IDs (newlines or commas) get one invalidation each. Empty: no invalidation.'
  },
  {
    name: 'paths',
    kind: 'list',
    default: '',
    placeholder: 'PATHS',
    description:
      'Invalidation paths, separated by newlines or commas (e.g. "/*"), sent as given. Empty: the URLs of what changed.'
  },
  {
    name: 'invalidation-max-paths',
    kind: 'integer',
    default: '15',
    placeholder: 'N',
    description: `Most paths in one invalidation (1-3000). A longer list of changed URLs is folded into wildcards, spending a path only where it keeps at least ${MIN_KEPT_PER_PATH} unchanged URLs cached.`
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
      'With delete: true, keep a file that left the build (HTML pages aside) this long before deleting it, e.g. 7d, 12h, 30m or 45s, so tabs still running the previous build can load its lazy chunks; it is not invalidated meanwhile. 0: delete at once.'
  },
  {
    name: 'remove',
    kind: 'boolean',
    default: 'false',
    description:
      'Instead of deploying, remove everything under the prefix (tear a preview down) and invalidate it. Needs a prefix where this action has deployed (its state object is there); source is not needed. Already empty: nothing to do.'
  },
  {
    name: 'max-deletes',
    kind: 'integer',
    default: '256',
    placeholder: 'N',
    description:
      'Refuse the whole deploy, before changing anything, when it would delete more objects than this; a removed asset kept by keep-removed-assets counts in the deploy that deletes it. -1: no limit. Not applied by remove, which deletes everything under the prefix.'
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
    description: 'How long to wait for the invalidation, in seconds.'
  },
  {
    name: 'fail-on-wait-timeout',
    kind: 'boolean',
    default: 'false',
    description:
      'Fail the step when the invalidation is still in progress at wait-timeout. By default that is a warning: the files are deployed.'
  },
  {
    name: 'outside-symlinks',
    kind: 'string',
    default: 'skip',
    placeholder: 'skip|fail',
    description:
      'A symbolic link that leads outside the source is never published: "skip" it with a warning, or "fail" the deploy.'
  },
  {
    name: 'region',
    kind: 'string',
    default: '',
    placeholder: 'REGION',
    description:
      'AWS region of the bucket. Empty: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1.'
  },
  {
    name: 'endpoint',
    kind: 'string',
    default: '',
    placeholder: 'URL',
    description:
      'URL of an S3-compatible store (Cloudflare R2, MinIO, Ceph RGW, DigitalOcean Spaces, ...), e.g. https://<account-id>.r2.cloudflarestorage.com; for S3 requests only, never CloudFront. Empty: AWS S3 (or AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL).'
  },
  {
    name: 'path-style',
    kind: 'boolean',
    default: 'false',
    description:
      'Address the bucket in the path of the URL (https://host/bucket/key) rather than in its host name (https://bucket.host/key), as MinIO and most self-hosted stores need.'
  },
  {
    name: 'concurrency',
    kind: 'integer',
    default: '32',
    placeholder: 'N',
    description: 'Parallel requests to S3 (1-256).'
  },
  {
    name: 'role-to-assume',
    kind: 'string',
    default: '',
    placeholder: 'ARN',
    description:
      'IAM role to assume with a web identity (OIDC) token (AssumeRoleWithWebIdentity). Empty: the SDK default credential chain.'
  },
  {
    name: 'web-identity-token',
    kind: 'string',
    default: '',
    placeholder: 'TOKEN',
    description:
      "OIDC token for role-to-assume, e.g. a GitLab id_tokens variable. On GitHub, empty: the job's own OIDC token (needs permissions: id-token: write)."
  },
  {
    name: 'role-session-name',
    kind: 'string',
    default: '',
    placeholder: 'NAME',
    description: 'Session name for the assumed role. Empty: s3-cloudfront-deploy-<run or job ID>.'
  },
  {
    name: 'role-duration-seconds',
    kind: 'integer',
    default: '3600',
    placeholder: 'SECONDS',
    description:
      'Lifetime of the assumed role credentials (900-43200); they are renewed if a deploy outlasts them.'
  },
  {
    name: 'outputs-file',
    kind: 'string',
    default: '',
    placeholder: 'FILE',
    description:
      'Also write the outputs to this dotenv file (for GitLab artifacts:reports:dotenv). Empty: none.'
  }
] as const satisfies readonly InputSpec[]

export type InputName = (typeof INPUTS)[number]['name']

/** The output names, in the order they are reported. */
export const OUTPUTS = [
  {
    name: 'invalidation-id',
    description: 'ID of the CloudFront invalidation; empty when none was created.'
  },
  {
    name: 'invalidation-status',
    description:
      'Status as CloudFront reports it (InProgress, Completed), or "none" when no invalidation was created. Several distributions: a JSON object.'
  },
  {
    name: 'invalidation-paths',
    description:
      'JSON array of the paths sent for invalidation. Several distributions: a JSON object of arrays.'
  },
  {
    name: 'uploaded',
    description: 'Number of files uploaded (in a dry run: that would be uploaded).'
  },
  {
    name: 'deleted',
    description: 'Number of objects deleted (in a dry run: that would be deleted).'
  },
  {
    name: 'updated',
    description: 'Number of objects whose headers were updated in place (content unchanged).'
  },
  { name: 'unchanged', description: 'Number of files already up to date.' },
  {
    name: 'url',
    description:
      "Address of what was deployed: https://<host>/<prefix>/, the host being the first distribution's first alternate domain name, else its cloudfront.net domain. Empty without a distribution."
  }
] as const

export type OutputName = (typeof OUTPUTS)[number]['name']

/** The same table, widened for code that reads optional fields. */
export const INPUT_SPECS: readonly InputSpec[] = INPUTS
