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

export async function withContext<T>(context: string, work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (err) {
    throw new StepError(`${context}: ${describeCause(err)}`, err)
  }
}
