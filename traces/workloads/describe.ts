import { resolveParams, type WorkloadDefinition } from './workload.js';

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
    '| function | baseExecMs | execMsPerMiB | parallelism | execNoiseSigma | outputFixedBytes | outputPerInputByte | outputNoiseSigma |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [fn, b] of Object.entries(workload.behaviour(params))) {
    const cells = [b.baseExecMs, b.execMsPerMiB, b.parallelism, b.execNoiseSigma, b.outputFixedBytes, b.outputPerInputByte, b.outputNoiseSigma];
    lines.push(`| ${fn} | ${cells.map((c) => String(Number(c.toFixed(4)))).join(' | ')} |`);
  }
  return lines.join('\n');
}
