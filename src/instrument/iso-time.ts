// ISO-8601 UTC timestamps for log and audit lines, equal to Date.prototype.toISOString() for years
// 0000-9999. toISOString() costs ~0.5 µs and every request writes two lines; the text up to the
// seconds changes once a second, so it is kept and only the milliseconds are appended.
let cachedSecond = Number.NaN;
let cachedPrefix = '';

export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20); // "YYYY-MM-DDTHH:MM:SS."
  }
  const millis = ms - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
