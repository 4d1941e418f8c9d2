import { BULK_DATA_ENDPOINTS } from '../../../src/tools/data/context';
import type { Rng } from '../../../src/shared/prng';
import { ATTACKER_COUNTRIES, minutes, newMerchant, notHome, Timeline, type Family } from './family';
import { ipIn, newDevice } from './normal';

/**
 * Fraud families, each described by behaviour with its parameters drawn at random: how many failures,
 * from where, how long between steps, how much money, which optional steps happen at all. Any customer
 * can be a victim — including those who travel, have a polling app or buy big at one shop — so having a
 * benign explanation on file never marks a customer as safe.
 */
const chance = (rng: Rng, p: number) => rng.next() < p;
const maybe = <T>(rng: Rng, p: number, v: T): T | undefined => (chance(rng, p) ? v : undefined);

export const FRAUD_FAMILIES: readonly Family[] = [
  {
    name: 'account_takeover',
    label: 'fraud',
    description:
      'failed logins, a foreign login on a new device soon after the customer signed in at home, then money, data or settings',
    fits: (f) => !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const country = notHome(f, rng);
      const ip = ipIn(country, rng);
      const device = newDevice(rng);
      const gap = rng.int(5, 100);
      const failures = rng.int(3, 9);
      const located = chance(rng, 0.6);
      t.login(0, f.home[0], rng.pick(f.homeIps), { ...(chance(rng, 0.7) ? { device: f.ownDevice } : {}) });
      const failAt = minutes(gap) - rng.int(60, 300);
      for (let i = 0; i < failures; i++)
        t.failure(failAt + i * rng.int(4, 20), located ? { country, ip } : {});
      t.login(minutes(gap), country, ip, { device });
      const steps = {
        password: chance(rng, 0.5),
        mfa: chance(rng, 0.4),
        money: chance(rng, 0.6),
        export: chance(rng, 0.5),
      };
      if (Object.values(steps).filter(Boolean).length < 2) steps.money = steps.export = true;
      let s = minutes(gap) + rng.int(60, 300);
      if (steps.password)
        t.change((s += rng.int(30, 200)), 'password_change', { device, country, ip, channel: 'web' });
      if (steps.mfa)
        t.change((s += rng.int(30, 200)), 'mfa_disabled', { device, country, ip, channel: 'web' });
      const ratio = rng.float(5, 40);
      if (steps.money)
        t.purchase((s += rng.int(60, 900)), f.avg * ratio, newMerchant(f, rng), {
          ...(maybe(rng, 0.6, { merchantCountry: country }) ?? {}),
          device,
        });
      const calls = rng.int(22, 60);
      if (steps.export)
        t.burst(s + rng.int(60, 600), calls, rng.int(20, 55), rng.pick(BULK_DATA_ENDPOINTS), {
          ip,
          device,
        });
      return {
        events: t.events,
        params: { country, gapMin: gap, failures, located, ...steps, ratio: round(ratio), calls },
      };
    },
  },
  {
    name: 'credential_stuffing',
    label: 'fraud',
    description:
      'a burst of failed logins from many addresses, one success on a new device, then account changes or money',
    fits: (f) => !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const sources = rng.int(3, 8);
      const places = Array.from({ length: sources }, () => (chance(rng, 0.4) ? f.home[0] : notHome(f, rng)));
      const ips = places.map((c) => ipIn(c, rng));
      const failures = rng.int(8, 40);
      const span = rng.int(60, 600);
      for (let i = 0; i < failures; i++) {
        const k = rng.int(0, sources - 1);
        t.failure((span * i) / failures, chance(rng, 0.7) ? { country: places[k]!, ip: ips[k]! } : {});
      }
      const k = rng.int(0, sources - 1);
      const device = newDevice(rng);
      const after = span + rng.int(20, 900);
      t.login(after, places[k]!, ips[k]!, { device });
      const change = chance(rng, 0.6);
      if (change)
        t.change(after + rng.int(60, 600), rng.pick(['email_change', 'password_change'] as const), {
          device,
          channel: 'web',
        });
      const money = !change || chance(rng, 0.4);
      const ratio = rng.float(4, 15);
      if (money) t.purchase(after + rng.int(600, 3600), f.avg * ratio, newMerchant(f, rng), { device });
      return {
        events: t.events,
        params: {
          sources,
          failures,
          spanSec: span,
          successFrom: places[k]!,
          change,
          money,
          ratio: round(ratio),
        },
      };
    },
  },
  {
    name: 'impossible_travel',
    label: 'fraud',
    description:
      'two sign-ins minutes apart from places no one could travel between, the second on a new device',
    fits: (f) => !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      // Between two foreign countries when the customer is abroad on an announced trip, else from home.
      const abroad = f.activeNotice && chance(rng, 0.6) ? f.activeNotice.countries[0]! : undefined;
      const first = abroad ?? f.home[0];
      const second = notHome(
        f,
        rng,
        ATTACKER_COUNTRIES.filter((c) => c !== first),
      );
      const gap = rng.int(5, 110);
      t.login(0, first, abroad ? ipIn(first, rng) : rng.pick(f.homeIps), { device: f.ownDevice });
      const device = newDevice(rng);
      const ip = ipIn(second, rng);
      t.login(minutes(gap), second, ip, { ...(chance(rng, 0.8) ? { device } : {}) });
      const money = chance(rng, 0.5);
      const ratio = rng.float(3.2, 12);
      if (money)
        t.purchase(minutes(gap) + rng.int(300, 3600), f.avg * ratio, newMerchant(f, rng), {
          merchantCountry: second,
          device,
        });
      return {
        events: t.events,
        params: {
          from: first,
          to: second,
          gapMin: gap,
          betweenForeign: !!abroad,
          money,
          ratio: round(ratio),
        },
      };
    },
  },
  {
    name: 'sim_swap',
    label: 'fraud',
    description:
      'the number moved to a new SIM by phone or in a shop, a login on a new device, MFA weakened, then a large purchase',
    fits: (f) => !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const channel = rng.pick(['phone', 'store'] as const);
      t.change(0, 'sim_change', { channel });
      const device = newDevice(rng);
      const ip = ipIn(f.home[0], rng);
      const login = minutes(rng.int(5, 60));
      t.login(login, f.home[0], ip, { device });
      const weaken = chance(rng, 0.7);
      if (weaken)
        t.change(login + rng.int(60, 600), rng.pick(['mfa_downgraded', 'password_change'] as const), {
          device,
          channel: 'app',
        });
      const ratio = rng.float(4, 25);
      t.purchase(login + minutes(rng.int(30, 120)), f.avg * ratio, newMerchant(f, rng), { device });
      return { events: t.events, params: { channel, weaken, ratio: round(ratio) } };
    },
  },
  {
    name: 'card_testing',
    label: 'fraud',
    description: 'many tiny payments at several merchants within minutes, each through the payments API',
    fits: () => true,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const attempts = rng.int(15, 50);
      const span = rng.int(45, 240);
      const merchants = Array.from({ length: rng.int(4, 10) }, () => newMerchant(f, rng));
      const ip = ipIn(notHome(f, rng), rng);
      for (let i = 0; i < attempts; i++) {
        const sec = (span * i) / attempts;
        t.purchase(sec, rng.float(0.5, 4.99), rng.pick(merchants));
        t.api(sec + 0.2, '/v1/payments/authorize', { ip });
      }
      return { events: t.events, params: { attempts, spanSec: span, merchants: new Set(merchants).size } };
    },
  },
  {
    name: 'refund_abuse',
    label: 'fraud',
    description: 'several large refunds at the customer’s shops with no purchase behind them',
    fits: (f) => !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const n = rng.int(2, 5);
      let sec = 0;
      const ratios: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = rng.float(3.5, 10);
        ratios.push(round(r));
        t.purchase((sec += rng.int(300, 3000)), f.avg * r, rng.pick(f.usualMerchants), { refund: true });
      }
      return { events: t.events, params: { refunds: n, maxRatio: Math.max(...ratios) } };
    },
  },
  {
    name: 'cramming',
    label: 'fraud',
    description: 'a batch of third-party charges from merchants the customer never used',
    fits: () => true,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const n = rng.int(3, 7);
      const merchants = [
        'StarQuiz SMS',
        'FunTones Content',
        'LuckyDraw Mobile',
        'RingMania',
        'TriviaBlast',
        'DailyStars',
      ];
      const span = rng.int(60, 1800);
      for (let i = 0; i < n; i++)
        t.purchase((span * i) / n, rng.pick([9.99, 14.99, 19.99, 29.99, 39.99, 49.99]), rng.pick(merchants));
      return { events: t.events, params: { charges: n, spanSec: span } };
    },
  },
  {
    name: 'device_financing_fraud',
    label: 'fraud',
    description:
      'a login on a new device, then one to three phones bought on the account at the carrier store',
    fits: (f) => !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const foreign = chance(rng, 0.4);
      const country = foreign ? notHome(f, rng) : f.home[0];
      const device = newDevice(rng);
      t.login(0, country, ipIn(country, rng), { device });
      const phones = rng.int(1, 3);
      let sec = 0;
      for (let i = 0; i < phones; i++)
        t.purchase((sec += rng.int(120, 1800)), rng.float(750, 1600), 'Contoso Mobile Store', { device });
      return { events: t.events, params: { foreign, phones } };
    },
  },
  {
    name: 'api_data_exfiltration',
    label: 'fraud',
    description:
      'bulk exports of account data through the API from a new address, far above anything the customer did',
    fits: () => true,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const ip = ipIn(notHome(f, rng), rng);
      const device = newDevice(rng);
      const withLogin = chance(rng, 0.5);
      if (withLogin) t.login(0, f.home[0], ip, { device });
      const endpoints = [rng.pick(BULK_DATA_ENDPOINTS), rng.pick(BULK_DATA_ENDPOINTS)];
      const calls = rng.int(25, 120);
      const span = rng.int(30, 180);
      t.burst(rng.int(60, 600), calls, span, endpoints[0]!, { ip, ...(chance(rng, 0.6) ? { device } : {}) });
      if (chance(rng, 0.4))
        t.burst(span + rng.int(700, 1200), rng.int(10, 40), rng.int(20, 60), endpoints[1]!, { ip });
      return { events: t.events, params: { calls, spanSec: span, withLogin } };
    },
  },
  {
    name: 'api_exfiltration_slow_burn',
    label: 'fraud',
    description:
      'bulk exports trickled out for hours from a new address, each minute under the burst threshold',
    fits: () => true,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const ip = ipIn(notHome(f, rng), rng);
      const endpoint = rng.pick(BULK_DATA_ENDPOINTS);
      const perMinute = rng.int(2, 12);
      const spanMin = rng.int(30, 180);
      const calls = perMinute * spanMin;
      // Never more than the per-minute rate in any 60 s: the burst rule cannot see it, only the volume can.
      const capped = Math.min(calls, 400);
      const device = chance(rng, 0.5) ? newDevice(rng) : undefined;
      for (let i = 0; i < capped; i++)
        t.api((spanMin * 60 * i) / capped, endpoint, { ip, ...(device ? { device } : {}) });
      return { events: t.events, params: { endpoint, perMinute, spanMin, calls: capped } };
    },
  },
  {
    name: 'cloned_sim_usage_spike',
    label: 'fraud',
    description:
      'data use many times the daily average reported from a handset the customer never registered',
    fits: () => true,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const device = newDevice(rng);
      const reports = rng.int(1, 3);
      const abroad = chance(rng, 0.3) ? notHome(f, rng) : undefined;
      let sec = 0;
      let max = 0;
      for (let i = 0; i < reports; i++) {
        const r = rng.float(5, 20);
        max = Math.max(max, r);
        t.usage((sec += rng.int(600, 3600)), f.dailyMb * r, {
          device,
          ...(abroad ? { country: abroad } : {}),
        });
      }
      return { events: t.events, params: { reports, maxRatio: round(max), abroad: abroad ?? false } };
    },
  },
  {
    name: 'mfa_downgrade_then_foreign_login',
    label: 'fraud',
    description:
      'MFA switched off or to SMS from the web, then a foreign login on a new device hours or minutes later',
    fits: (f) => !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      t.change(0, rng.pick(['mfa_disabled', 'mfa_downgraded'] as const), {
        channel: 'web',
        ...(chance(rng, 0.5) ? { ip: ipIn(notHome(f, rng), rng) } : {}),
      });
      const later = minutes(rng.int(10, 180));
      const homeLogin = chance(rng, 0.6);
      if (homeLogin)
        t.login(later - minutes(rng.int(5, 110)), f.home[0], rng.pick(f.homeIps), { device: f.ownDevice });
      const country = notHome(f, rng);
      const device = newDevice(rng);
      t.login(later, country, ipIn(country, rng), { device });
      const password = chance(rng, 0.5);
      if (password) t.change(later + rng.int(60, 600), 'password_change', { device, channel: 'web' });
      const money = chance(rng, 0.4);
      const ratio = rng.float(3.2, 10);
      if (money) t.purchase(later + rng.int(600, 3600), f.avg * ratio, newMerchant(f, rng), { device });
      return { events: t.events, params: { country, homeLogin, password, money, ratio: round(ratio) } };
    },
  },
  {
    name: 'dormant_account_reactivation',
    label: 'fraud',
    description: 'an account silent for months signs in from a new device and moves money or data',
    fits: (f) => f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const country = chance(rng, 0.5) ? f.home[0] : notHome(f, rng);
      const device = newDevice(rng);
      const ip = ipIn(country, rng);
      t.login(0, country, ip, { device });
      if (chance(rng, 0.5)) t.change(rng.int(60, 600), 'password_change', { device, channel: 'web' });
      const money = chance(rng, 0.7);
      const ratio = rng.float(4, 20);
      if (money) t.purchase(rng.int(900, 5400), f.avg * ratio, newMerchant(f, rng), { device });
      else
        t.burst(rng.int(900, 3600), rng.int(25, 80), rng.int(30, 120), rng.pick(BULK_DATA_ENDPOINTS), {
          ip,
          device,
        });
      return { events: t.events, params: { country, money, ratio: round(ratio) } };
    },
  },
  {
    name: 'takeover_behind_usual_merchant',
    label: 'fraud',
    description:
      'a stranger signs in from abroad on a new device and spends big at the shop the customer often spends big at',
    fits: (f) => !!f.bigMerchant && !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const m = f.bigMerchant!;
      const country = notHome(
        f,
        rng,
        ATTACKER_COUNTRIES.filter((c) => !f.activeNotice?.countries.includes(c) && c !== f.frequentForeign),
      );
      const device = newDevice(rng);
      const ip = ipIn(country, rng);
      const failures = chance(rng, 0.5) ? rng.int(3, 6) : 0;
      for (let i = 0; i < failures; i++) t.failure(i * rng.int(5, 30), { country, ip });
      const login = failures * 30 + rng.int(30, 600);
      t.login(login, country, ip, { device });
      const amount = m.maxUsd * rng.float(0.8, 1.3);
      t.purchase(login + rng.int(300, 2400), amount, m.merchant, { device });
      return {
        events: t.events,
        params: { country, failures, merchant: m.merchant, amount: Math.round(amount) },
      };
    },
  },
  {
    name: 'takeover_under_travel_notice',
    label: 'fraud',
    description:
      'failed logins then a login on a stranger device from the very country on the customer’s travel notice, then export or settings',
    fits: (f) => !!f.activeNotice && !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const country = rng.pick(f.activeNotice!.countries);
      const device = newDevice(rng);
      const ip = ipIn(country, rng);
      const failures = rng.int(3, 8);
      for (let i = 0; i < failures; i++) t.failure(i * rng.int(5, 25), { country, ip, device });
      const login = failures * 25 + rng.int(30, 400);
      t.login(login, country, ip, { device });
      const exportData = chance(rng, 0.5);
      if (exportData)
        t.burst(login + rng.int(120, 900), rng.int(22, 60), rng.int(20, 55), rng.pick(BULK_DATA_ENDPOINTS), {
          ip,
          device,
        });
      else
        t.change(
          login + rng.int(60, 600),
          rng.pick(['mfa_disabled', 'email_change', 'password_change'] as const),
          { device, country, ip, channel: 'web' },
        );
      return { events: t.events, params: { country, failures, exportData } };
    },
  },
];

const round = (x: number) => Math.round(x * 10) / 10;
