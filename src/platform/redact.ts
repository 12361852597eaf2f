/**
 * Shorter values are never treated as secrets: no credential is that short (an access key ID
 * has 16+ characters, an OIDC token hundreds), and masking a value like `tok` would garble the
 * log wherever those letters occur, in input names and the action's own messages included.
 * GitLab masks no variable under 8 characters either; GitHub's runner masks any value it is
 * given, so such values are not given to it.
 */
export const MIN_SECRET_LENGTH = 8

/** Whether a value is long enough to be masked as a secret. */
export function maskable(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH
}

/** Replaces every registered secret with ***, longest first so a secret containing another goes whole. */
export class Redactor {
  private secrets: string[] = []

  add(secret: string): void {
    if (!maskable(secret) || this.secrets.includes(secret)) return
    this.secrets.push(secret)
    this.secrets.sort((a, b) => b.length - a.length)
  }

  redact(text: string): string {
    return this.secrets.reduce((acc, secret) => acc.split(secret).join('***'), text)
  }
}
