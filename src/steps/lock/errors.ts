/** The lock could not be had, or was lost: a refusal, not a fault. */
export class LockError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LockError'
  }
}

/** The job was cancelled (SIGINT, SIGTERM, SIGBREAK) while deploying. */
export class CancelledError extends Error {
  constructor() {
    super('The job was cancelled: no further change was started.')
    this.name = 'CancelledError'
  }
}
