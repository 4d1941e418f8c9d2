/**
 * What an API endpoint does, judged from its path rather than a fixed list: an attacker's tool calls
 * `/v2/customers/me/export`, `/download`, `/backup` or `/bulk` as readily as the carrier app's own
 * `/v1/account/export`. A path segment (or a word in it) naming a bulk hand-out of data marks the endpoint
 * as one that exfiltrates account data when abused. Query strings are ignored.
 */
const BULK_WORDS =
  /(^|[^a-z])(export|exports|download|downloads|dump|dumps|backup|backups|bulk|archive|archives|extract|takeout|snapshot|call-records|callrecords|cdr|cdrs)([^a-z]|$)/i;
/** `GET /contacts` or `/messages/all` hand out whole collections too. */
const WHOLE_COLLECTION = /\/(contacts|messages|call[-_]?logs|sms|records)(\/all)?\/?$/i;

export type EndpointClass = 'bulk_data' | 'other';

export function classifyEndpoint(endpoint: string): EndpointClass {
  const path = endpoint.split('?')[0]!.toLowerCase();
  return BULK_WORDS.test(path) || WHOLE_COLLECTION.test(path) ? 'bulk_data' : 'other';
}

export const isBulkDataEndpoint = (endpoint: string): boolean => classifyEndpoint(endpoint) === 'bulk_data';
