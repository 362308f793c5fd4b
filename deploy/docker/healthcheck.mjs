// Container health check: exits 0 when the service's liveness route answers 200, 1 otherwise. Runs with the node
// binary the image already has (alpine images have no curl).
/* global fetch, AbortSignal */
const port = process.env.PORT || '3000';
try {
  const res = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2000) });
  process.exit(res.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
