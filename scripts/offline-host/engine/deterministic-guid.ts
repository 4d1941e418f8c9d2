/**
 * The Durable extension's replay-safe GUIDs (entity request ids): a name-based UUID v5 of
 * `<instanceId>_<CurrentUtcDateTime:o>_<counter>` in the extension's URL namespace.
 * Source: azure-functions-durable-extension @ a7c6d69, src/WebJobs.Extensions.DurableTask/GuidManager.cs
 * and DurableOrchestrationContext.NewGuid (its byte swaps turn .NET's GUID layout into RFC 4122 order
 * and back, so the text is the standard v5 UUID).
 */
import { createHash } from 'node:crypto';

const URL_NAMESPACE = '9e952959-5e33-4daf-827f-2fa12937b875';

export function deterministicGuid(name: string, namespace = URL_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** .NET `DateTime.ToString("o")` of a UTC instant: seven fraction digits and a Z. */
export function dotnetRoundTrip(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}
