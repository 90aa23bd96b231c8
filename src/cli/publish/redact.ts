// Secrets (tokens, passwords, their Basic-auth encodings) must never reach stdout, stderr or an
// error message: every line the publisher prints goes through one Redactor.
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret; very short values are ignored so that redaction cannot shred ordinary text. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}

export interface Credentials {
  token?: string;
  user?: string;
  password?: string;
}

/** The Authorization header for a token (Bearer) or a user/password pair (Basic); registers both forms as secrets. */
export function authorizationHeader(creds: Credentials, redactor: Redactor): string | undefined {
  if (creds.token) {
    redactor.add(creds.token);
    return `Bearer ${creds.token}`;
  }
  if (creds.user && creds.password !== undefined) {
    const encoded = Buffer.from(`${creds.user}:${creds.password}`).toString('base64');
    redactor.add(creds.password);
    redactor.add(encoded);
    return `Basic ${encoded}`;
  }
  return undefined;
}
