/** .NET TimeSpan text ("3.00:00:00", "06:00:00", "1.02:03:04.5") → milliseconds, as the extension's settings use it. */
export function parseTimeSpan(text: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a TimeSpan like "3.00:00:00" (days.hours:minutes:seconds).`);
  const [, d, h, m, s, frac] = match;
  const seconds = Number(d ?? 0) * 86_400 + Number(h) * 3_600 + Number(m) * 60 + Number(s);
  return seconds * 1000 + (frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
}
