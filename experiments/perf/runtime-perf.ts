/**
 * Prints the real runtime's figures (issue 5): the orchestration overhead per task on a warm worker (core step,
 * dependency-counter INCR, TASK_COMPLETED publish and local hand-off, against a private redis-server on loopback;
 * target under 5 ms), and the local Lambda gateway's cold and warm invocation latencies through the AWS SDK.
 */
import { measureGateway } from '../../runtime-lambda/gateway/measure.js';
import { measureOverheadDetailed } from '../../runtime-lambda/measure-overhead.js';

const overhead = await measureOverheadDetailed({ steps: 220, warmupSteps: 20 });
console.log(
  `runtime overhead per task on a warm worker: median ${overhead.medianMs.toFixed(3)} ms, p90 ${overhead.p90Ms.toFixed(3)} ms ` +
    `over ${overhead.samplesMs.length} hand-offs (target < 5 ms)`,
);
const gateway = await measureGateway({ coldRuns: 7, warmRuns: 200 });
console.log(
  `local gateway (${gateway.runner} runner, ${gateway.tsLoader}, CPU quota ${gateway.cpuQuota ? 'on' : 'off'}): ` +
    `cold invoke median ${gateway.coldInvokeMedianMs.toFixed(0)} ms (p90 ${gateway.coldInvokeP90Ms.toFixed(0)}), ` +
    `INIT ${gateway.coldInitMedianMs.toFixed(0)} ms; warm invoke median ${gateway.warmInvokeMedianMs.toFixed(2)} ms ` +
    `(p90 ${gateway.warmInvokeP90Ms.toFixed(2)}), inside the gateway ${gateway.warmInstanceMedianMs.toFixed(2)} ms`,
);
