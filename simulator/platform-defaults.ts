import { LAMBDA_VCPU_RULE } from '../core/resources.js';
import type { PlatformModel } from './platform-model.js';

/**
 * Default platform: AWS Lambda, x86_64, us-east-1, Node.js workers, Redis (ElastiCache cache.m7g.large) for
 * intermediate data, counters and pub/sub. Every figure cites its source; the survey behind them, with the ranges
 * seen, is `../shared/research/platform-defaults.md` (section numbers below refer to it). Figures marked "unsourced
 * estimate" have no published number; they are the ones to calibrate against a real run first.
 */

/** 600 Mbit/s in bytes per ms: 600e6 / 8 / 1000. */
const LAMBDA_NIC_BYTES_PER_MS = 75_000;
/** 0.937 Gbit/s in bytes per ms: 0.937e9 / 8 / 1000. */
const M7G_LARGE_BASELINE_BYTES_PER_MS = 117_125;

/**
 * A small Redis round trip from Lambda: 0.3 ms from a client in the same AZ (memtier_benchmark issue #126:
 * about 0.15 ms network RTT to ElastiCache; gist shey/14dc2ac9b7d3fcc0472f: `redis-cli --latency` average
 * 0.26 ms on EC2) plus 0.3 ms for Lambda's VPC path (unsourced estimate, the middle of 0.1–0.5 ms; §1c).
 */
const REDIS_ROUND_TRIP_MEDIAN_MS = 0.6;
/** Spread of Redis round trips (unsourced estimate, §3: only medians are published). */
const REDIS_ROUND_TRIP_SIGMA = 0.4;

export const DEFAULT_PLATFORM_MODEL: PlatformModel = deepFreeze({
  profile: 'aws-lambda-x86_64-us-east-1',
  invoke: {
    /**
     * 20 ms, unsourced estimate (§1d). Behaviour only is documented: the Event front end answers 202 without
     * checking concurrency (AWS API reference "Invoke"; Yan Cui, theburningmonk.com 2024). sigma 0.5 as for
     * dispatch (unsourced).
     */
    apiCall: { medianMs: 20, sigma: 0.5 },
    /**
     * 40 ms median, sigma 0.5, unsourced estimate (§1d, §4 gap 1), bracketed by 25 ms for a warm sync invoke (Wang
     * et al., "Peeking Behind the Curtains of Serverless Platforms", USENIX ATC'18) and about 125 ms for one
     * SQS→Lambda hop (lukehoban/lambdaperf).
     */
    dispatch: { medianMs: 40, sigma: 0.5 },
    /**
     * 1 MB: AWS API reference "Invoke" (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), current
     * limit for async payloads. Docs before late 2025 said 256 KB (262,144): use that for a "classic" profile.
     */
    asyncPayloadLimitBytes: 1_048_576,
  },
  startup: {
    /**
     * 0: `invoke.dispatch` is measured to the handler starting on a warm target, so a warm start adds nothing
     * more. Wang et al.'s 25 ms warm median (ATC'18) is that same path seen from a client, already inside dispatch.
     */
    warmMs: 0,
    /**
     * 100 ms, unsourced estimate (§1d): placement, code download and microVM boot, which Init Duration leaves out
     * (Samuel Johnson, "AWS Lambda Request Timeline", 2024). Upper anchor: Firecracker boots to user space in about
     * 125 ms (Agache et al., NSDI'20).
     */
    platformColdOverheadMs: 100,
    /**
     * Node.js INIT of an empty handler, ZIP, x86_64: lognormal, median 140 ms, sigma 0.11, flat across 128–1,024 MB.
     * Fitted on maxday/lambda-perf daily data, 2026-07-23 … 2026-08-22, about 290 samples per cell (§1b, §3).
     */
    runtimeInit: { medianMs: 140, sigma: 0.11 },
    /**
     * 160 ms, unsourced estimate: brings INIT with the AWS SDK and a Redis client to the 300 ms of §1b (a bundled
     * function of 1–2 MB). Published range 100 ms (bundled, 260 KB) to 1,000 ms (unbundled with gRPC), with memory
     * making no difference (Momento, "How we turned up the heat on Node.js Lambda cold starts").
     */
    codeInitMs: 160,
    /**
     * First invocation on a fresh environment, hello-world handler: 10–15 ms at 128 MB (12.5 used), about 3 ms from
     * 256 MB. maxday/lambda-perf, field "ad" (average first-invoke duration), Node.js (§1b).
     */
    firstInvokeMs: [
      { fromMb: 128, value: 12.5 },
      { fromMb: 256, value: 3 },
    ],
    /**
     * 10 min: measured as exactly 10 min from July 2019 (Mikhail Shilkov, "AWS Lambda Cold Starts After 10
     * Minutes"); the fixed keep-alive Shahrad et al. ("Serverless in the Wild", ATC'20) report for AWS. AWS does not
     * document it (§4 gap 4).
     */
    keepAliveMs: 600_000,
  },
  concurrency: {
    /** 1,000 per account and Region: AWS doc "Lambda quotas" (gettingstarted-limits.html). */
    accountLimit: 1000,
    /**
     * 1,000 new environments per 10 s per function, refilled continuously: AWS doc "Lambda scaling behavior"
     * (scaling-behavior.html), in force since 27 Nov 2023 (AWS News Blog, "AWS Lambda functions now scale 12 times
     * faster…").
     */
    scalingBurst: 1000,
    /** 1,000 per 10 s = 100 per second, same source. */
    scalingRefillPerS: 100,
  },
  cpu: {
    /** 1,769 MB per vCPU: AWS doc "Configure Lambda function memory" (configuration-memory.html). */
    mbPerVcpu: LAMBDA_VCPU_RULE.mbPerVcpu,
    /** 6 vCPUs at 10,240 MB: AWS News Blog, Graviton2 launch ("up to 10 GB of memory and 6 vCPUs"). */
    maxVcpus: LAMBDA_VCPU_RULE.maxVcpus,
    /** Cores the OS shows, measured with py-cpuinfo: rwnx/lambda-cpuinfo README (§1a). */
    visibleCores: [
      { fromMb: 128, value: 2 },
      { fromMb: 3009, value: 3 },
      { fromMb: 5308, value: 4 },
      { fromMb: 7077, value: 5 },
      { fromMb: 8846, value: 6 },
    ],
  },
  storage: {
    opLatency: { medianMs: REDIS_ROUND_TRIP_MEDIAN_MS, sigma: REDIS_ROUND_TRIP_SIGMA },
    /**
     * 600 Mbit/s = 75,000 bytes/ms, from 400–700 Mbit/s measured for large S3 downloads ("Using AWS Step Functions
     * and Lambda for Fanout", an AWS user's blog) with more memory helping at the low end (Cribl, "AWS Lambda
     * physics", 2018). AWS documents no figure (§1c, §4 gap 2). The survey's 78,643 bytes/ms reads 75 MB/s as MiB;
     * 600 Mbit/s is decimal.
     */
    bandwidthBytesPerMs: LAMBDA_NIC_BYTES_PER_MS,
    /** Full bandwidth from 1,024 MB, linear below: the survey's proposal; the rule is an unsourced estimate (§1c). */
    fullBandwidthFromMb: 1024,
    /**
     * cache.m7g.large baseline 0.937 Gbit/s (burst 12.5 Gbit/s on credits): AWS ElastiCache User Guide, "Supported
     * node types" (CacheNodes.SupportedTypes.html).
     */
    serverBandwidthBytesPerMs: M7G_LARGE_BASELINE_BYTES_PER_MS,
    /** cache.m7g.large burst 12.5 Gbit/s = 1,562,500 bytes/ms, same source ("up to 12.5 Gigabit"). */
    serverBurstBandwidthBytesPerMs: 1_562_500,
    /**
     * Five minutes at the full burst above the baseline: (1,562,500 − 117,125) bytes/ms × 300,000 ms. AWS documents
     * no pool size; "Amazon EC2 instance network bandwidth" says instances burst on network I/O credits "for a
     * limited time, typically from 5 to 60 minutes": the low end, an unsourced estimate within it. A single workflow
     * (seconds, hundreds of MB) never empties it; a sustained load does, and then gets the baseline.
     */
    serverBurstCreditBytes: 433_612_500_000,
    /**
     * 100,000 ops/s per single-threaded shard, unsourced estimate of redis-benchmark's order of magnitude (§1c);
     * measured range 30,000 (old nodes) to over 1,000,000 (r7g.4xlarge, AWS Database Blog on ElastiCache 7.1).
     */
    serverOpsPerS: 100_000,
  },
  metadata: {
    /** An INCR is one small Redis round trip: same figures as `storage.opLatency`. */
    counter: { medianMs: REDIS_ROUND_TRIP_MEDIAN_MS, sigma: REDIS_ROUND_TRIP_SIGMA },
    /**
     * 0.5 ms publish→receive median (partly unsourced: about one round trip plus fan-out; Tyler Treat, "Benchmarking
     * Message Queue Latency", 2016, round trip under 1 ms up to p99) plus 0.3 ms Lambda VPC path as for storage.
     * sigma 0.3 keeps p99 within 2× the median, as Treat's p99 < 1 ms against the 0.5 ms median implies.
     */
    notify: { medianMs: 0.8, sigma: 0.3 },
  },
  failures: {
    /** 0 (off): no published per-invocation crash rate; set it to study failures. */
    workerFailureProbability: 0,
    /** 0 (off), as above. */
    taskFailureProbability: 0,
    /**
     * 2 retries (3 attempts), 1 min before the 2nd and 2 min before the 3rd: AWS doc "How Lambda handles errors and
     * retries with asynchronous invocation" (invocation-async-error-handling.html).
     */
    maxRetries: 2,
    retryDelaysMs: [60_000, 120_000],
  },
  pricing: {
    /**
     * 0.0000166667 USD per GB-s, x86_64, us-east-1, first tier: AWS Lambda pricing page
     * (https://aws.amazon.com/lambda/pricing/) and AWS News Blog "New for AWS Lambda – 1ms Billing Granularity".
     */
    gbSecondUsd: 0.0000166667,
    /** 0.20 USD per million requests, both architectures: same sources. The free tier is left out. */
    requestUsd: 0.0000002,
    /** 1 ms, rounded up, no minimum, since Dec 2020: AWS News Blog "New for AWS Lambda – 1ms Billing Granularity". */
    billingGranularityMs: 1,
    /** INIT billed in every configuration since 1 Aug 2025: AWS Compute Blog "AWS Lambda standardizes billing for INIT Phase". */
    billInit: true,
  },
});

/** Freezes a plain-data tree so the shared default cannot be changed by accident. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
