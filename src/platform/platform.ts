/** What the deploy logic may use for logging: no CI-specific calls beyond this. */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  debug(message: string): void
  isDebug(): boolean
  /** A collapsible section of the log around one phase. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}

/** One adapter per CI platform: logs, step outputs, secrets, job summary, failure. */
export interface Platform extends Logger {
  readonly name: 'github' | 'gitlab' | 'plain'
  /** Hide a value from every later log line; one too short to be a credential is left alone. */
  setSecret(value: string): void
  /** A step output, where the platform has them (GitHub). */
  setOutput(name: string, value: string): void
  /** Markdown for the job summary, where the platform has one. */
  writeSummary(markdown: string): Promise<void>
  /** Report the error and make the process exit non-zero. */
  fail(message: string): void
  /** The CI's own OIDC token for `audience`, where the platform provides one (GitHub). */
  idToken(audience: string): Promise<string>
}
