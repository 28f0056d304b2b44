import { formatParams } from './instance.js';
import { instanceParams, resolveParams, type WorkloadDefinition } from './workload.js';

/** What each instance besides the reference is for, as `bench workloads` says it. */
export const INSTANCE_PURPOSE = {
  local: 'real runs through the local gateway: `bench run`, `bench traces collect`, `bench validate`',
  inProcess: 'in-process runs of the real task code',
} as const;

/** One line per instance besides the reference: `local (…): blocks=2, matrixSize=200, 5 tasks`. */
export function describeOtherInstances(workload: WorkloadDefinition): string[] {
  return (['local', 'inProcess'] as const).map((name) => {
    const params = instanceParams(workload, name);
    return `\`${name}\` (${INSTANCE_PURPOSE[name]}): ${formatParams(params)}, ${workload.build(params).tasks.size} tasks`;
  });
}

/** Markdown description of a workload: what it is, where its shape comes from, its parameters and behaviour model. */
export function describeWorkloadMarkdown(workload: WorkloadDefinition): string {
  const params = resolveParams(workload);
  const workflow = workload.build(params);
  const lines = [
    `### ${workload.name}`,
    '',
    `${workload.description}; ${workflow.tasks.size} tasks, depth ${workflow.generations.length} with the defaults.`,
    `Source: ${workload.source}.`,
    '',
    `Parameters: ${workload.params.map((p) => `\`${p.name}\` = ${p.defaultValue} (${p.description})`).join('; ')}.`,
    '',
    `Other instances of the same name: ${describeOtherInstances(workload).join('; ')}.`,
    '',
    '| function | baseExecMs | execMsPerMiB | parallelism | execNoiseSigma | outputFixedBytes | outputPerInputByte | outputNoiseSigma |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [fn, b] of Object.entries(workload.behaviour(params))) {
    const cells = [b.baseExecMs, b.execMsPerMiB, b.parallelism, b.execNoiseSigma, b.outputFixedBytes, b.outputPerInputByte, b.outputNoiseSigma];
    lines.push(`| ${fn} | ${cells.map((c) => String(Number(c.toFixed(4)))).join(' | ')} |`);
  }
  return lines.join('\n');
}
