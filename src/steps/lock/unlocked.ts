import type { DeployConfig } from '../../config/config'
import type { DeployDeps } from '../context'
import { serializeManifest, type Manifest } from '../../plan/manifest'
import { writeManifest } from '../../remote/manifest'
import { deleteInBatches } from '../../aws/delete-batches'
import { attempt } from '../../aws/step-error'
import { CancelledError } from './errors'
import { lockOperation, where } from './describe'
import type { StateKeeper } from './holder'

/**
 * `lock: false`, for stores that do not honour conditional writes: no lock and no lease, and the
 * state object written as it is, at the start (with this deploy's pending paths) and at the end.
 * Two such deploys at once may mix their files: said once, as a warning.
 */
export class Unlocked implements StateKeeper {
  readonly signal: AbortSignal | undefined

  private constructor(
    private readonly config: DeployConfig,
    private readonly deps: DeployDeps
  ) {
    this.signal = deps.signal
  }

  static async start(config: DeployConfig, deps: DeployDeps, manifest: Manifest) {
    deps.log.warning(
      `Deploying without a lock (lock: false): a deploy to ${where(config)} at the same time could mix its files with this one's. Queue deploys with 'concurrency:' (GitHub) or 'resource_group:' (GitLab).`
    )
    const unlocked = new Unlocked(config, deps)
    await unlocked.write(manifest)
    return unlocked
  }

  get stoppedBy(): Error | undefined {
    return this.deps.signal?.aborted ? new CancelledError() : undefined
  }

  private write(manifest: Manifest): Promise<string> {
    return attempt(
      lockOperation(
        this.config,
        `Failed to write the state object s3://${this.config.bucket}/${this.config.manifestKey}`,
        's3:PutObject',
        this.config.manifestKey
      ),
      writeManifest(
        this.deps.control ?? this.deps.s3,
        this.config.bucket,
        this.config.manifestKey,
        serializeManifest(manifest),
        undefined
      )
    )
  }

  check(): void {
    if (this.deps.signal?.aborted) throw new CancelledError()
  }

  async confirm(): Promise<void> {
    this.check()
  }

  async finish(manifest: Manifest): Promise<void> {
    await this.write(manifest)
  }

  async releaseAfterFailure(manifest: Manifest, err: unknown): Promise<unknown> {
    const stopped = this.stoppedBy
    await this.write(manifest).catch(failure =>
      this.deps.log.warning(`Could not record the state: ${(failure as Error).message}`)
    )
    return stopped ?? err
  }

  stop(): void {}

  async deleteState(): Promise<void> {
    this.check()
    await attempt(
      lockOperation(
        this.config,
        `Failed to delete the state object s3://${this.config.bucket}/${this.config.manifestKey}`,
        's3:DeleteObject',
        this.config.manifestKey
      ),
      deleteInBatches(this.deps.control ?? this.deps.s3, this.config.bucket, [
        this.config.manifestKey
      ])
    )
  }
}
