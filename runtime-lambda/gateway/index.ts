/**
 * Local Lambda-compatible gateway: the Invoke API for the unmodified AWS SDK, each function instance a real Node
 * process behind its own Runtime API, heap limit and cgroup CPU quota from the memory setting, Lambda's concurrency,
 * timeout, crash and async-retry behaviour, and a record per invocation attempt. See README.md.
 */
export { DEFAULT_GATEWAY_OPTIONS, LambdaGateway, type InstanceLogEvent, type LambdaGatewayEvents } from './gateway.js';
export { measureGateway, type GatewayMeasurement, type MeasureGatewayOptions } from './measure.js';
export { MB_PER_VCPU, vcpusForMemory } from './cgroup.js';
export type {
  FunctionConfig,
  GatewayOptions,
  InstanceRunner,
  InvocationOutcome,
  InvocationRecord,
  InvocationType,
  LambdaErrorPayload,
  TsLoader,
} from './types.js';
