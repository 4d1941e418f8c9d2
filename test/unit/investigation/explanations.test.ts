import { describe, expect, it } from 'vitest';
import type { Alert, TelemetryEvent } from '../../../src/detection/schema';
import { verifyExplanations } from '../../../src/investigation/explanations';
import { datasetAt } from '../../../src/tools/data/dataset';
import type { ToolContext } from '../../../src/tools/types';

// C048 lives in US/CA, has one registered phone and a travel notice for JP (dates anchored to asOf).
const CUSTOMER = 'C048';
const AS_OF = '2026-11-20T12:00:00.000Z';
const view = datasetAt(AS_OF);
const notice = view.travelNoticesOf(CUSTOMER)[0]!;
const phone = view.devicesOf(CUSTOMER)[0]!.deviceId;
const day = notice.from; // a day inside the notice

const login = (time: string, country: string, device?: string): TelemetryEvent => ({
  type: 'login',
  customerId: CUSTOMER,
  timestamp: `${day}T${time}:00.000Z`,
  country,
  ip: '203.0.113.7',
  success: true,
  ...(device ? { device } : {}),
});
const alertOn = (event: TelemetryEvent): Alert => ({
  alertId: 'A1',
  customerId: CUSTOMER,
  rule: 'new_country_login',
  severity: 'high',
  description: 'login abroad',
  detectedAt: event.timestamp,
  events: [event],
});
const ctxWith = (...events: TelemetryEvent[]): ToolContext => ({
  asOf: AS_OF,
  live: {
    customerId: CUSTOMER,
    events: events.map((event, i) => ({ id: `L${i}`, t: Date.parse(event.timestamp), event })),
  },
});
const verify = (alert: Alert, ctx: ToolContext) =>
  verifyExplanations([{ kind: 'travel_notice', ref: notice.id }], [alert], ctx, CUSTOMER);

describe('verified explanations cover only the signal they explain', () => {
  it('a travel notice covers a sign-in on the own phone in the noticed country after one at home', () => {
    const abroad = login('10:00', notice.countries[0]!, phone);
    const covered = verify(alertOn(abroad), ctxWith(login('08:30', 'US', phone), abroad));
    expect(covered).toMatchObject([{ kind: 'travel_notice', covers: ['A1'] }]);
  });

  it('a travel notice for one country does not cover a sign-in from another', () => {
    const elsewhere = login('10:00', 'BR', phone);
    expect(verify(alertOn(elsewhere), ctxWith(login('08:30', 'US', phone), elsewhere))).toEqual([]);
  });

  it('a travel notice does not cover a trip from a country nothing explains (impossible travel)', () => {
    const abroad = login('10:00', notice.countries[0]!);
    expect(verify(alertOn(abroad), ctxWith(login('09:20', 'BR'), abroad))).toEqual([]);
  });

  it('a travel notice does not cover a sign-in abroad too soon after one at home unless the own phone made it', () => {
    const abroad = login('10:00', notice.countries[0]!);
    expect(verify(alertOn(abroad), ctxWith(login('09:35', 'US'), abroad))).toEqual([]);
    const onPhone = login('10:00', notice.countries[0]!, phone);
    expect(verify(alertOn(onPhone), ctxWith(login('09:35', 'US', phone), onPhone))).toMatchObject([
      { kind: 'travel_notice', covers: ['A1'] },
    ]);
    // Long enough after the last sign-in at home, no device reported: the notice explains it.
    expect(verify(alertOn(abroad), ctxWith(login('07:30', 'US'), abroad))).toMatchObject([
      { kind: 'travel_notice', covers: ['A1'] },
    ]);
  });

  it('a travel notice does not cover a sign-in on a stranger device in the noticed country', () => {
    const abroad = login('10:00', notice.countries[0]!, 'dev-stranger');
    expect(verify(alertOn(abroad), ctxWith(login('08:30', 'US', phone), abroad))).toEqual([]);
  });
});

describe('a usual merchant explains the amount spent there, not who paid', () => {
  const shop = view.transactionsOf(CUSTOMER).find((t) => t.kind === 'purchase')!;
  const buy = (device?: string): TelemetryEvent => ({
    type: 'transaction',
    customerId: CUSTOMER,
    timestamp: `${day}T10:00:00.000Z`,
    amount: shop.amountUsd,
    merchant: shop.merchant,
    ...(device ? { device } : {}),
  });
  const check = (event: TelemetryEvent) =>
    verifyExplanations(
      [{ kind: 'usual_merchant', ref: shop.merchant }],
      [{ ...alertOn(event), rule: 'large_transaction' }],
      ctxWith(event),
      CUSTOMER,
    );
  const bought = view.transactionsOf(CUSTOMER).filter((t) => t.merchant === shop.merchant);

  it.runIf(bought.length >= 2)('covers a purchase on the own phone, not one on a stranger device', () => {
    expect(check(buy(phone))).toMatchObject([{ kind: 'usual_merchant', covers: ['A1'] }]);
    expect(check(buy('dev-stranger'))).toEqual([]);
  });
});
