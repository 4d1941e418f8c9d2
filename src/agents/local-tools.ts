import { callTool, toolByName, toolSpec } from '../tools';
import type { ToolName } from '../tools/types';
import type { ToolRunner } from './tool-runner';

/**
 * Tools in-process, straight over the Contoso dataset. Bad arguments and ToolErrors come back as
 * ok:false for the model to read; anything else is a bug and propagates.
 */
export function createLocalToolRunner(): ToolRunner {
  return {
    specs(names: readonly ToolName[]) {
      return Promise.resolve(
        names.map((n) => {
          const tool = toolByName(n);
          if (!tool) throw new Error(`no tool named "${n}" in src/tools`);
          return toolSpec(tool);
        }),
      );
    },
    call: (name, rawArgs, ctx) => callTool(name, rawArgs, ctx),
  };
}
