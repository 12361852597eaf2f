import { explainAwsError, type AwsOperation } from './explain'

export { describeCause } from './explain'

/** An error with the step it happened in: `Failed to upload a.css to s3://b/a.css: AccessDenied: …`. */
export class StepError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown
  ) {
    super(message)
    this.name = 'StepError'
  }
}

/** Runs one AWS step; a failure becomes a StepError saying what failed and what would fix it. */
export async function attempt<T>(op: AwsOperation, work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (err) {
    // A refusal (a lost lock, a cancelled job) is reported as it is, not as the step's failure.
    if (err instanceof StepError || isExpectedError(err)) throw err
    throw new StepError(`${op.what}: ${explainAwsError(err, op)}`, err)
  }
}

/**
 * A refusal rather than a fault (bad input, a lock that could not be had, a cancelled job): its
 * message says it all, so no stack trace is printed even with debug logging.
 */
export function isExpectedError(err: unknown): boolean {
  return err instanceof Error && ['InputError', 'LockError', 'CancelledError'].includes(err.name)
}
