import type { ToolName } from '../tools/types';
import type { SpecialistName } from './types';

/**
 * What an analyst's feedback asks the next round to check. The text is read for intents (travel, shipping,
 * devices, money, API use, data use, sign-ins, "compare with history"), not for quoted examples; each
 * intent names the checks — tools, and whether to read their widest window — per specialist. The result
 * goes into every specialist's prompt as data (a real model sees what was asked of it; the scripted model
 * plans from it) and into the session's record of what changed between rounds.
 */
export interface Check {
  tool: ToolName;
  /** Read the widest window the tool offers (all of the history). */
  wide: boolean;
}

export interface Directive {
  intent: Intent;
  /** What the analyst's words matched, for the record. */
  matched: string;
  checks: Partial<Record<SpecialistName, Check[]>>;
}

export type Intent = 'travel' | 'shipping' | 'devices' | 'money' | 'api' | 'data' | 'sign_ins' | 'history';

const wide = (tool: ToolName): Check => ({ tool, wide: true });
const read = (tool: ToolName): Check => ({ tool, wide: false });

const INTENTS: ReadonlyArray<{ intent: Intent; words: RegExp; checks: Directive['checks'] }> = [
  {
    intent: 'travel',
    words:
      /\b(travel\w*|trips?|abroad|vacation|holidays?|overseas|flights?|flying|visit\w*|roaming|notices?)\b/i,
    checks: {
      location: [read('get_account_context'), wide('get_security_logs')],
      billing: [read('get_account_context'), wide('get_transactions')],
      usage: [read('get_account_context'), wide('get_data_usage')],
    },
  },
  {
    intent: 'shipping',
    words: /\b(ship\w*|address\w*|deliver\w*|parcels?|packages?|orders?)\b/i,
    checks: { billing: [wide('get_customer_orders')] },
  },
  {
    intent: 'devices',
    words: /\b(devices?|phones?|handsets?|imei|sims?|esims?|upgrades?|tablets?|registered)\b/i,
    checks: {
      location: [read('get_account_context'), wide('get_security_logs')],
      usage: [read('get_account_context'), read('get_subscription_detail')],
      billing: [wide('get_customer_orders')],
    },
  },
  {
    intent: 'money',
    words:
      /\b(bill\w*|invoices?|charges?|payments?|refunds?|disputes?|chargebacks?|cards?|purchases?|transactions?|spend\w*|merchants?|shop\w*|money)\b/i,
    checks: { billing: [read('get_billing_summary'), wide('get_transactions'), read('get_account_context')] },
  },
  {
    intent: 'api',
    words: /\b(api|apis|exports?|integrations?|poll\w*|scripts?|endpoints?|downloads?|scrap\w*|apps?)\b/i,
    checks: { usage: [wide('get_api_activity'), read('get_account_context')] },
  },
  {
    intent: 'data',
    words: /\b(data|usage|hotspot|tether\w*|traffic|gigabytes?|gb|mb|streaming)\b/i,
    checks: { usage: [wide('get_data_usage'), read('get_account_context')] },
  },
  {
    intent: 'sign_ins',
    words:
      /\b(log-?ins?|logged|sign-?ins?|signed|passwords?|credentials?|mfa|2fa|otp|authenticat\w*|vpn|ip|locations?|countr(y|ies))\b/i,
    checks: { location: [wide('get_security_logs'), read('get_account_context')] },
  },
  {
    intent: 'history',
    words: /\b(history|usual\w*|normal\w*|always|regular\w*|previous\w*|past|habits?|baseline)\b/i,
    checks: {
      location: [wide('get_security_logs')],
      usage: [wide('get_data_usage'), wide('get_api_activity')],
      billing: [wide('get_transactions'), wide('get_customer_orders')],
    },
  },
];

/** When the feedback names nothing a tool can check, each specialist still reads its main source in full. */
const FALLBACK: Directive['checks'] = {
  location: [wide('get_security_logs')],
  usage: [wide('get_data_usage')],
  billing: [wide('get_transactions')],
};

/** The directives of the analyst's feedback (latest last); feedback lines may carry a "round N (who): " prefix. */
export function directivesFor(feedback: readonly string[]): Directive[] {
  const text = feedback.at(-1)?.replace(/^round \d+( \([^)]*\))?: /, '') ?? '';
  if (!text.trim()) return [];
  const found: Directive[] = [];
  for (const { intent, words, checks } of INTENTS) {
    const m = words.exec(text);
    if (m) found.push({ intent, matched: m[0], checks });
  }
  return found.length
    ? found
    : [{ intent: 'history', matched: '(no specific check named)', checks: FALLBACK }];
}

/** The checks one specialist owes the directives, each tool once (a wide read wins over a plain one). */
export function checksFor(specialist: SpecialistName, directives: readonly Directive[]): Check[] {
  const out = new Map<ToolName, Check>();
  for (const d of directives)
    for (const c of d.checks[specialist] ?? [])
      out.set(c.tool, { tool: c.tool, wide: c.wide || (out.get(c.tool)?.wide ?? false) });
  return [...out.values()];
}

/** The tools the directives point at that belong to other specialists (so a specialist can say so). */
export function elsewhere(specialist: SpecialistName, directives: readonly Directive[]): ToolName[] {
  const mine = new Set(checksFor(specialist, directives).map((c) => c.tool));
  return [
    ...new Set(
      directives.flatMap((d) =>
        Object.entries(d.checks).flatMap(([who, checks]) =>
          who === specialist ? [] : (checks ?? []).map((c) => c.tool),
        ),
      ),
    ),
  ].filter((t) => !mine.has(t));
}
