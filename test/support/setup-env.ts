// e2e apps read their configuration from the environment, as in production; keep test output readable.
process.env.LOG_LEVEL ??= 'silent';
