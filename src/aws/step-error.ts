import { explainAwsError, type AwsOperation } from './explain'

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

/** The AWS error code (SDK v3 puts it in `name`) and message, on one line. */
export function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const code = err.name && err.name !== 'Error' ? `${err.name}: ` : ''
    return `${code}${err.message || 'unknown error'}`
  }
  return String(err)
}

/** Runs one AWS step; a failure becomes a StepError saying what failed and what would fix it. */
export async function attempt<T>(op: AwsOperation, work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (err) {
    if (err instanceof StepError) throw err
    throw new StepError(`${op.what}: ${explainAwsError(err, op)}`, err)
  }
}
