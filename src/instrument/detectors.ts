// The value detectors: what counts as a secret or personal datum inside any string. Formats follow
// the public rule sets of gitleaks and trufflehog (our own patterns). Every pattern is written to run
// in linear time on any input, because clients choose the text it scans:
//  - it starts with a literal (V8 searches for it) or with a class guarded by a lookbehind of the same
//    class, so only the start of a run can begin a match and a run is tried once, not once per character;
//  - every repetition is bounded ({m,n}) or is a run that ends at a character the match cannot hold,
//    so a failed attempt costs at most the bound, and a successful one consumes what it read;
//  - no nested quantifiers over overlapping classes.
// bench/redaction.ts times each detector on its own adversarial inputs.

export interface ValueDetector {
  /** The `detector` label value of mcp_redactions_total and the marker text ([REDACTED:kind]). */
  readonly kind: string;
  /**
   * A global regex that starts with a literal (V8 then skips to its occurrences); every match that
   * `accept` admits is replaced. Or `find`, a hand-written scanner for formats with no literal.
   */
  readonly pattern?: RegExp;
  readonly find?: (text: string, from: number) => [start: number, end: number] | undefined;
  /** Moves a match's start back (an e-mail's local part before its '@'), never before `floor`. */
  readonly widen?: (text: string, start: number, floor: number) => number;
  /** Moves a match's end further (PEM bodies). */
  readonly extend?: (text: string, end: number) => number;
  /** A checksum, shape or boundary test on text[start, end) (Luhn, IBAN mod 97); default accept. */
  readonly accept?: (text: string, start: number, end: number) => boolean;
  /** One made-up value it catches (docs, tests). */
  readonly example: string;
}

/** Luhn check over the digits of `s`, which must start like a card (issuer ranges 2-6: Mastercard, Amex, Visa, Discover, ...). */
export function luhn(s: string): boolean {
  const first = s.charCodeAt(0) - 48;
  if (first < 2 || first > 6) return false;
  let sum = 0;
  let count = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let n = c - 48;
    if (count % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    count++;
  }
  return count >= 13 && count <= 19 && sum % 10 === 0;
}

/** ISO 13616 check: country letters and check digits moved to the end, letters as 10..35, mod 97 = 1. */
export function ibanValid(s: string): boolean {
  const iban = s.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    const v = c >= 65 && c <= 90 ? c - 55 : c - 48;
    rest = v > 9 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
  }
  return rest === 1;
}

/** Shannon entropy in bits per character (characters above U+00FF are counted together). */
export function entropy(s: string): number {
  const counts = new Uint32Array(257);
  for (let i = 0; i < s.length; i++) counts[Math.min(s.charCodeAt(i), 256)]!++;
  let bits = 0;
  for (const n of counts) {
    if (n === 0) continue;
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A token-like value: no spaces, at least 16 characters, mixed classes and random-looking. */
export function looksRandom(s: string): boolean {
  if (s.length < 16 || s.length > 4096 || /\s/.test(s)) return false;
  const classes = Number(/[a-z]/.test(s)) + Number(/[A-Z]/.test(s)) + Number(/[0-9]/.test(s)) + Number(/[^A-Za-z0-9]/.test(s));
  return classes >= 2 && entropy(s) >= 3.5;
}

/** The end of the PEM footer line after `end`, or the end of the text when there is none. */
function toPemFooter(text: string, end: number): number {
  const footer = text.indexOf('-----END', end);
  if (footer < 0) return text.length;
  const close = text.indexOf('-----', footer + 8);
  return close < 0 ? text.length : close + 5;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isEmailLocal = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const digitAt = (text: string, i: number) => i >= 0 && i < text.length && isDigit(text.charCodeAt(i));
/** Accepts text[start, end) when `test` holds of it. */
const whole = (test: (s: string) => boolean) => (text: string, start: number, end: number) => test(text.slice(start, end));

/** 1 for the characters of standard base64 (A-Z a-z 0-9 + /), by char code. */
const BASE64 = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64[c.charCodeAt(0)] = 1;

/** A standalone run of exactly 40 base64 characters that looks random (AWS secret access keys). */
function findAwsSecret(text: string, from: number): [number, number] | undefined {
  const n = text.length;
  let run = from;
  for (let i = from; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (c < 128 && BASE64[c] === 1) continue;
    if (i - run === 40 && c !== 61 && text.charCodeAt(run - 1) !== 61) {
      const s = text.slice(run, i);
      // Random base64 has '/' or '+' or several digits; long identifiers (CamelCaseNames1) have neither.
      if (/[A-Z]/.test(s) && /[a-z]/.test(s) && (/[/+]/.test(s) ? /[0-9]/.test(s) : /(?:[^0-9]*[0-9]){3}/.test(s)) && entropy(s) >= 4.2) return [run, i];
    }
    run = i + 1;
  }
  return undefined;
}

/** The e-mail's local part: up to 64 local-part characters before the '@'. */
function emailLocalPart(text: string, at: number, floor: number): number {
  let start = at;
  while (start > floor && at - start < 64 && isEmailLocal(text.charCodeAt(start - 1))) start--;
  return start;
}

const isCardSeparator = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return (c === 32 || c === 45) && digitAt(text, i + 1);
};

/**
 * Card numbers, Luhn-valid: a run of 13-19 digits, or groups of 3-6 digits joined by single spaces or
 * dashes, the first of 4 digits, totalling 13-19 (4-4-4-4, 4-6-5, ...); the longest valid one. A
 * hand-written scanner: each digit is looked at a bounded number of times whatever the input.
 */
function findCard(text: string, from: number): [number, number] | undefined {
  const n = text.length;
  let i = from;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i)) || digitAt(text, i - 1)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    const first = j - i;
    if (first >= 13 && first <= 19 && luhn(text.slice(i, j))) return [i, j];
    if (first === 4) {
      let digits = 4;
      let end = j;
      let valid = -1;
      while (isCardSeparator(text, end)) {
        let k = end + 1;
        while (k < n && isDigit(text.charCodeAt(k))) k++;
        const group = k - end - 1;
        if (group < 3 || group > 6 || digits + group > 19) break;
        digits += group;
        end = k;
        if (digits >= 13 && luhn(text.slice(i, end))) valid = end;
      }
      if (valid > 0) return [i, valid];
    }
    i = j + 1;
  }
  return undefined;
}

/** Dotted quads of octets 0-255, not inside a longer number or dotted run. */
function ipv4(text: string, start: number, end: number): boolean {
  const before = text.charCodeAt(start - 1);
  const after = text.charCodeAt(end);
  if (isDigit(before) || before === 46 || isDigit(after) || (after === 46 && digitAt(text, end + 1))) return false;
  return text.slice(start, end).split('.').every((o) => Number(o) <= 255 && (o.length === 1 || o[0] !== '0'));
}

/**
 * Longest first where one format contains another's prefix (sk-ant- before sk-). Earlier detectors'
 * markers contain no text a later one matches.
 */
export const VALUE_DETECTORS: readonly ValueDetector[] = [
  // PEM blocks: the header, the body (no dash runs) and the footer when present; a header without its
  // footer takes the body to the first dash run, so a cut key is not let through.
  // PEM private keys: from the header through the footer, or to the end of the text when the footer is
  // missing (a cut key is not let through); `extend` finds the footer with one indexOf.
  { kind: 'private_key', pattern: /-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----/g, extend: toPemFooter,
    example: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7b3k...\n-----END RSA PRIVATE KEY-----' },
  { kind: 'bearer', pattern: /\b[Bb]earer[ \t]{1,8}[A-Za-z0-9._~+/-]{8,4096}=*/g,
    example: 'Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0' },
  { kind: 'basic_auth', pattern: /\b[Bb]asic[ \t]{1,8}[A-Za-z0-9+/]{8,4096}={0,2}(?![A-Za-z0-9+/=])/g, accept: whole((m) => !/^basic\s+[a-z]+$/i.test(m)),
    example: 'Authorization: Basic YWRtaW46czNjcjN0IQ==' },
  { kind: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,8192}\.eyJ[A-Za-z0-9_-]{4,16384}\.[A-Za-z0-9_-]{0,8192}/g,
    example: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk' },
  // scheme://user:password@host — the password may hold any symbol but '/' and whitespace; the last '@' ends it.
  { kind: 'url_credentials', pattern: /:\/\/[^\s/:@]{0,128}:[^\s/]{1,128}@/g,
    example: 'postgres://app:p@ss!w0rd$%^@db.internal:5432/app' },
  { kind: 'aws_access_key', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])/g,
    example: 'AKIAZ7Q3XK2JH4VLTM5D' },
  // 40 base64 characters standing alone, mixing cases and digits (a SHA-1 in hex has no capitals).
  { kind: 'aws_secret_key', find: findAwsSecret,
    example: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { kind: 'gcp_api_key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, example: 'AIzaSyD3k9v0Q-7yXhM2pL4tR8wZ1nB6cF5gHjK' },
  { kind: 'gcp_oauth_token', pattern: /(?<![A-Za-z0-9_-])ya29\.[0-9A-Za-z_-]{20,4096}/g, example: 'ya29.a0AfH6SMBx3kZ9qLpT7vW2yN5rJ8dF1gH4' },
  { kind: 'azure_storage_key', pattern: /(?<![A-Za-z])AccountKey=[A-Za-z0-9+/]{40,100}={0,2}/g,
    example: 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4MTIzNA==' },
  { kind: 'azure_sas_token', pattern: /\bsig=[A-Za-z0-9%+/]{40,200}={0,2}/g,
    example: 'https://acme.blob.core.windows.net/c?sv=2022-11-02&sig=7Zq3kX9vR2mL5pT8wY1nB4cF6gH0jK3sD5fG7hJ9kL2%3D' },
  { kind: 'azure_client_secret', pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
    example: 'abc8Q~Zx9vR2mL5pT8wY1nB4cF6gH0jK3sD5fG' },
  { kind: 'anthropic_key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,256}/g,
    example: 'sk-ant-api03-Xy9_Zq3kV2mL5pT8wY1nB4cF6gH0jK3sD5fG7hJ9kL2-AAAA' },
  { kind: 'openai_key', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,256}/g,
    example: 'sk-proj-Ab3_dE6-gH9jK2mN5pQ8rS1tU4vW7xY0zA3bC6dE9fG' },
  { kind: 'github_pat', pattern: /(?<![A-Za-z0-9_-])github_pat_[A-Za-z0-9_]{22,255}/g,
    example: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789' },
  { kind: 'github_token', pattern: /(?<![A-Za-z0-9_-])gh[pousr]_[A-Za-z0-9]{36,255}/g, example: 'ghp_aB3dE6gH9jK2mN5pQ8rS1tU4vW7xY0zA3bC6' },
  { kind: 'gitlab_token', pattern: /(?<![A-Za-z0-9_-])gl(?:pat|ptt|dt|rt|cbt|soat)-[A-Za-z0-9_-]{20,64}/g, example: 'glpat-xY9zQ3kV2mL5pT8wY1nB' },
  { kind: 'npm_token', pattern: /(?<![A-Za-z0-9_-])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g, example: 'npm_aB3dE6gH9jK2mN5pQ8rS1tU4vW7xY0zA3bC6' },
  { kind: 'slack_token', pattern: /(?<![A-Za-z0-9_-])xox[abposre]-[A-Za-z0-9-]{10,256}|hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,128}/g,
    example: 'xoxb-123456789012-1234567890123-aBcDeFgHiJkLmNoPqRsTuVwX' },
  { kind: 'sendgrid_key', pattern: /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g,
    example: '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' },
  { kind: 'stripe_key', pattern: /(?<![A-Za-z0-9_-])(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,255}/g, example: 'sk_live_51Hx9zQ3kV2mL5pT8wY1nB4cF' },
  { kind: 'twilio_key', pattern: /(?<![A-Za-z0-9_-])SK[0-9a-fA-F]{32}(?![0-9a-fA-F])/g, example: 'SK0123456789abcdef0123456789abcdef' },
  { kind: 'huggingface_token', pattern: /(?<![A-Za-z0-9_-])hf_[A-Za-z0-9]{34,40}(?![A-Za-z0-9])/g, example: 'hf_aB3dE6gH9jK2mN5pQ8rS1tU4vW7xY0zA3b' },
  { kind: 'pypi_token', pattern: /(?<![A-Za-z0-9_-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}/g,
    example: 'pypi-AgEIcHlwaS5vcmcCJDU3OTM5NWU5LTk5YjItNDY0Yi05ZGQ1LWQ4OTY4ZDc2NjQxZQ' },
  { kind: 'shopify_token', pattern: /(?<![A-Za-z0-9_-])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/g, example: 'shpat_0123456789abcdef0123456789abcdef' },
  { kind: 'digitalocean_token', pattern: /(?<![A-Za-z0-9_-])do[por]_v1_[a-f0-9]{64}/g,
    example: 'dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
  // Secrets written as assignments in free text (error messages, query strings, config dumps).
  { kind: 'secret_assignment', pattern: /(?:passw(?:or)?d|pwd|passphrase|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token)(?:\\?["'])?[ \t]{0,3}[:=][ \t]{0,3}(?:\\?["'])?[^\s"',;&<>\\]{6,4096}/gi,
    example: 'login failed for password=hunter2!x' },
  { kind: 'iban', pattern: /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g, accept: whole(ibanValid),
    example: 'DE89 3704 0044 0532 0130 00' },
  { kind: 'card', find: findCard, example: '4539 1488 0343 6467' },
  { kind: 'us_ssn', pattern: /(?<![0-9-])(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![0-9-])/g, example: '536-22-8153' },
  { kind: 'email', pattern: /@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g, widen: emailLocalPart,
    accept: (text, start) => text.charCodeAt(start) !== 64,
    example: 'jane.doe+billing@example.co.uk' },
  // International numbers with '+', and North American numbers written with separators.
  { kind: 'phone', pattern: /(?<![A-Za-z0-9+])\+[1-9][0-9 .()-]{6,20}[0-9](?![0-9])|(?<![0-9])\(?[2-9][0-9]{2}\)?[ .-][0-9]{3}[ .-][0-9]{4}(?![0-9])/g,
    accept: whole((m) => { const digits = m.replace(/[^0-9]/g, '').length; return digits >= 8 && digits <= 15; }),
    example: '+44 20 7946 0958' },
];

/** Client IP addresses: off unless the instrumentation is told to redact them (redactIpAddresses). */
export const IP_ADDRESS_DETECTOR: ValueDetector = {
  kind: 'ip_address',
  pattern: /[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}/g, accept: ipv4,
  example: '203.0.113.42',
};

/** Keys whose value is a credential whatever it looks like (any non-empty string or object is dropped). */
export const SECRET_KEY = /authori[sz]ation|passw(?:or)?d|passphrase|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|session[_-]?key|credential|cookie|(?:^|[_-])token$|^token|[a-z]Token$|_?pwd$/i;

/** Keys that may hold a credential: their value is dropped when it looks random (the entropy fallback). */
export const MAYBE_SECRET_KEY = /key|auth|sig|signature|token|pin|otp|salt|nonce|hash|cert/i;
