import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderWebLabels, WEB_LABELS_FILE } from '../../../scripts/gen/web-labels';
import { ActionName, SpecialistName } from '../../../src/investigation/types';
import { Outcome, Stage } from '../../../src/review/types';

describe("the console's label tables (src/web/labels.js)", () => {
  it('match what src/cases/labels.ts and the enums generate (run `npm run gen:labels` when this fails)', async () => {
    expect(readFileSync(WEB_LABELS_FILE, 'utf8')).toBe(await renderWebLabels());
  });

  it('label every stage, outcome, action and specialist the app knows', async () => {
    // Loaded as the browser loads it: the plain module, by URL.
    const labels: Record<string, readonly string[] & Record<string, string>> = await import(
      pathToFileURL(WEB_LABELS_FILE).href
    );
    expect(labels.STAGES).toEqual(Stage.options);
    expect(labels.OUTCOMES).toEqual(Outcome.options);
    expect(labels.ACTIONS).toEqual(ActionName.options);
    expect(labels.SPECIALISTS).toEqual(SpecialistName.options);
    for (const kind of ['STAGE', 'OUTCOME', 'ACTION', 'SPECIALIST'])
      for (const value of labels[`${kind}S`]!) expect(labels[`${kind}_LABEL`]![value], value).toMatch(/\S/);
  });
});
