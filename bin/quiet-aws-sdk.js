// Preloaded by `bench` and `npm run bench:perf` (`node --import ./bin/quiet-aws-sdk.js`): silences the AWS SDK's
// notice that its releases after January 2027 will need Node 22. octoplan supports Node 20.19 and later, and these
// commands use the SDK only against the local Lambda gateway; child processes inherit the setting. Set the variable
// to anything but "true" to see the notice again. `runtime-lambda/deploy/` (real AWS) does not load this file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
