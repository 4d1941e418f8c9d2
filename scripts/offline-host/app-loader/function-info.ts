/** FunctionInfo from registered metadata, as the Functions host indexes it. */
import type { FunctionInfo } from '../types.js';
import type { RegisteredFunction } from './core-stand-in.js';

export function describeFunction(fn: RegisteredFunction): FunctionInfo {
  const bindings = Object.values(fn.metadata.bindings);
  const trigger = bindings.find((b) => typeof b.type === 'string' && b.type.endsWith('Trigger')) ?? {};
  const info: FunctionInfo = {
    name: fn.metadata.name,
    trigger: String(trigger.type ?? 'unknown'),
    inputs: bindings.filter((b) => b !== trigger && b.direction === 'in').map((b) => String(b.type)),
    metadata: fn.metadata,
  };
  if (info.trigger === 'httpTrigger') {
    info.route = typeof trigger.route === 'string' ? trigger.route : fn.metadata.name;
    if (Array.isArray(trigger.methods)) info.methods = trigger.methods.map((m) => String(m).toUpperCase());
    info.authLevel = (
      typeof trigger.authLevel === 'string' ? trigger.authLevel : 'anonymous'
    ) as FunctionInfo['authLevel'];
  }
  if (info.trigger === 'timerTrigger') {
    if (typeof trigger.schedule === 'string') info.schedule = trigger.schedule;
    info.runOnStartup = trigger.runOnStartup === true;
  }
  return info;
}
