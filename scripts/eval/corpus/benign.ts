import type { Rng } from '../../../src/shared/prng';
import { minutes, Timeline, type Family } from './family';
import { ipIn } from './normal';

/**
 * Benign look-alikes: the customer's own doing, each looking like a fraud family at the rules level (the
 * same rules fire), each with a reason somewhere in the data — a travel notice, a registered phone, the
 * customer's own history at a shop, of heavy data days, of a polling app. Parameters at random, inside
 * what that reason covers.
 */
const chance = (rng: Rng, p: number) => rng.next() < p;

export const BENIGN_FAMILIES: readonly Family[] = [
  {
    name: 'travel_with_notice',
    label: 'benign',
    description:
      'a short-haul flight to a country on the customer’s travel notice, signing in on their own phone',
    fits: (f) => !!f.activeNotice && !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const country = rng.pick(f.activeNotice!.countries);
      const gap = rng.int(45, 115);
      t.login(0, f.home[0], rng.pick(f.homeIps), { device: f.ownDevice });
      t.login(minutes(gap), country, ipIn(country, rng), { device: f.ownDevice });
      const shop = chance(rng, 0.5);
      if (shop)
        t.purchase(minutes(gap) + rng.int(600, 3600), f.avg * rng.float(0.5, 2.5), 'Margie Travel', {
          merchantCountry: country,
        });
      return { events: t.events, params: { country, gapMin: gap, shop } };
    },
  },
  {
    name: 'large_purchase_in_line_with_history',
    label: 'benign',
    description: 'a purchase several times the average at a shop where the customer has spent as much before',
    fits: (f) => !!f.bigMerchant && !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const m = f.bigMerchant!;
      const lo = 3.1 * f.avg;
      const amount = lo + (Math.max(lo, 1.4 * m.maxUsd) - lo) * rng.next();
      t.purchase(rng.int(0, 600), amount, m.merchant, {
        ...(chance(rng, 0.5) ? { merchantCountry: f.home[0] } : {}),
        ...(chance(rng, 0.5) ? { device: f.ownDevice } : {}),
      });
      return {
        events: t.events,
        params: { merchant: m.merchant, ratio: Math.round((amount / f.avg) * 10) / 10 },
      };
    },
  },
  {
    name: 'tethering_spike',
    label: 'benign',
    description:
      'a day of heavy data use on the customer’s own phone, as they have had before or with a hotspot pass',
    fits: (f) => !!f.heavyDataMb || !!f.hotspotPass,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const cap = f.heavyDataMb ? Math.min(1.25 * f.heavyDataMb, 10 * f.dailyMb) : 9 * f.dailyMb;
      const mb = Math.max(4.6 * f.dailyMb, rng.float(4.6 * f.dailyMb, cap));
      t.usage(rng.int(0, 1800), mb, { device: f.ownDevice });
      return {
        events: t.events,
        params: { ratio: Math.round((mb / f.dailyMb) * 10) / 10, pass: !!f.hotspotPass },
      };
    },
  },
  {
    name: 'forgotten_password',
    label: 'benign',
    description:
      'a few wrong passwords from home, then a sign-in on the customer’s own phone and a password reset',
    fits: (f) => !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const n = rng.int(3, 6);
      const ip = rng.pick(f.homeIps);
      const located = chance(rng, 0.6);
      for (let i = 0; i < n; i++)
        t.failure(i * rng.int(8, 30), located ? { country: f.home[0], ip, device: f.ownDevice } : {});
      const ok = n * 30 + rng.int(30, 600);
      t.login(ok, f.home[0], ip, { device: f.ownDevice });
      t.change(ok + rng.int(20, 120), 'password_change', {
        device: f.ownDevice,
        channel: 'app',
        country: f.home[0],
      });
      return { events: t.events, params: { failures: n, located } };
    },
  },
  {
    name: 'polling_app',
    label: 'benign',
    description:
      'the customer’s own home-automation app polling an endpoint above 20 calls a minute, as it does every day',
    fits: (f) => !!f.polling,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const p = f.polling!;
      const calls = rng.int(21, Math.max(22, Math.floor(1.3 * p.peak)));
      t.burst(rng.int(0, 600), calls, rng.int(40, 59), p.endpoint);
      return { events: t.events, params: { endpoint: p.endpoint, calls, historyPeak: p.peak } };
    },
  },
  {
    name: 'new_phone_known_plan',
    label: 'benign',
    description:
      'a phone the customer registered in a shop days ago signs in and restores its backup (a data spike)',
    fits: (f) => !!f.newPhone,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const device = f.newPhone!;
      t.login(0, f.home[0], rng.pick(f.homeIps), { device });
      const r = rng.float(4.6, 9);
      t.usage(rng.int(600, 3600), f.dailyMb * r, { device });
      return { events: t.events, params: { ratio: Math.round(r * 10) / 10 } };
    },
  },
  {
    name: 'frequent_foreign_location',
    label: 'benign',
    description:
      'a sign-in from a country the customer often uses (cross-border work), on their own phone, soon after one at home',
    fits: (f) => !!f.frequentForeign && !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const country = f.frequentForeign!;
      const gap = rng.int(20, 110);
      t.login(0, f.home[0], rng.pick(f.homeIps), { device: f.ownDevice });
      t.login(minutes(gap), country, ipIn(country, rng), { device: f.ownDevice });
      return { events: t.events, params: { country, gapMin: gap } };
    },
  },
  {
    name: 'travel_purchase_with_notice',
    label: 'benign',
    description:
      'a hotel or tour paid abroad, several times the average, in a country on the customer’s travel notice',
    fits: (f) => !!f.activeNotice && !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const country = rng.pick(f.activeNotice!.countries);
      t.login(0, country, ipIn(country, rng), { device: f.ownDevice });
      const r = rng.float(3.5, 9);
      t.purchase(
        rng.int(600, 5400),
        f.avg * r,
        rng.pick(['Alpine Rail', 'Margie Travel', 'Fabrikam Airlines']),
        { merchantCountry: country, device: f.ownDevice },
      );
      return { events: t.events, params: { country, ratio: Math.round(r * 10) / 10 } };
    },
  },
  {
    name: 'roaming_usage_with_notice',
    label: 'benign',
    description:
      'heavy data use while roaming in a country on the customer’s travel notice, on their own phone',
    fits: (f) => !!f.activeNotice,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const country = rng.pick(f.activeNotice!.countries);
      const r = rng.float(4.6, 8);
      t.usage(rng.int(0, 3600), f.dailyMb * r, { device: f.ownDevice, country });
      return { events: t.events, params: { country, ratio: Math.round(r * 10) / 10 } };
    },
  },
  {
    name: 'refund_of_returned_purchase',
    label: 'benign',
    description: 'a large refund at a shop for exactly a purchase the customer made there',
    fits: (f) => !!f.bigMerchant && !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const m = f.bigMerchant!;
      const bought = rng.pick(m.purchases);
      t.purchase(rng.int(0, 3600), bought.amount, m.merchant, { refund: true });
      return { events: t.events, params: { merchant: m.merchant, amount: bought.amount } };
    },
  },
  {
    name: 'border_crossing_with_notices',
    label: 'benign',
    description:
      'a trip through two countries on one travel notice: home, then one, then the other, on the customer’s phone',
    fits: (f) => (f.activeNotice?.countries.length ?? 0) >= 2 && !f.dormant,
    draw(f, rng, start) {
      const t = new Timeline(f.id, start);
      const [a, b] = f.activeNotice!.countries as [string, string];
      const g1 = rng.int(60, 115);
      const g2 = rng.int(30, 100);
      t.login(0, f.home[0], rng.pick(f.homeIps), { device: f.ownDevice });
      t.login(minutes(g1), a, ipIn(a, rng), { device: f.ownDevice });
      t.login(minutes(g1 + g2), b, ipIn(b, rng), { device: f.ownDevice });
      return { events: t.events, params: { first: a, second: b, gap1Min: g1, gap2Min: g2 } };
    },
  },
];
