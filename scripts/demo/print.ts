import type { CaseView } from './client';

/** The demo's transcript: one line per thing that happened, with the elapsed wall time. */
export class Printer {
  private readonly started = Date.now();
  private scenarioStarted = Date.now();
  private lastLine = '';

  private line(text: string) {
    const t = ((Date.now() - this.scenarioStarted) / 1000).toFixed(2).padStart(6);
    console.log(`  ${t}s  ${text}`);
  }

  title() {
    console.log(
      'durable-fraud-agents demo: the real app on the offline host, scripted model, no Azure, no keys\n',
    );
  }

  scenario(n: number, title: string, customer: string) {
    this.scenarioStarted = Date.now();
    this.lastLine = '';
    console.log(`\n[${n}] ${title} (customer ${customer})`);
  }

  say(text: string) {
    this.line(text);
  }

  case(c: CaseView) {
    const specialists = c.findings
      .map((f) => `${f.specialist} ${f.riskScore.toFixed(2)}${f.degraded ? '*' : ''}`)
      .join(' · ');
    const risk = c.risk
      ? `risk ${c.risk.score.toFixed(2)} ${c.risk.level} → ${c.risk.recommendedAction}`
      : 'no assessment yet';
    const cost = `${c.usage.tokens.toLocaleString('en-US')} tokens $${c.usage.usd.toFixed(4)}`;
    const where =
      c.stage === 'closed'
        ? `closed: ${c.outcome}${c.action ? ` (${c.action.action}, key ${c.action.idempotencyKey})` : ''}`
        : c.stage === 'awaiting_decision'
          ? `awaiting decision, round ${c.round}, deadline ${c.deadline}`
          : `${c.stage}, round ${c.round}`;
    const text = `${c.caseId}: ${where}\n            ${specialists} | ${risk} | ${cost}`;
    if (text === this.lastLine) return;
    this.lastLine = text;
    this.line(text);
  }

  check(what: string, ok: boolean) {
    console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what}`);
  }

  summary(failures: string[]) {
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    console.log(
      failures.length
        ? `\n${failures.length} scenario(s) FAILED in ${secs}s`
        : `\nAll 5 scenarios behaved as expected in ${secs}s.`,
    );
  }
}
