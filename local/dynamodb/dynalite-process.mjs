/**
 * dynalite in a process of its own (local/dynamodb/server.ts forks this): DynamoDB does not share a
 * CPU with the Lambdas that call it, and in one process the 300 jobs of a burst and the table waited for
 * one event loop, so a budget index came back seconds after it was taken. argv: port, host. Sends
 * { port } once listening; on 'close' stops accepting, lets the requests being served finish (their
 * connections close as they go idle), cuts what is left after a grace period and exits. Exits too when
 * its parent goes away (the IPC channel closes), so no table outlives its stack.
 */
import dynalite from 'dynalite';

const CLOSE_GRACE_MS = 3_000;
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

function close() {
  const idle = setInterval(() => server.closeIdleConnections?.(), 25);
  setTimeout(() => server.closeAllConnections?.(), CLOSE_GRACE_MS).unref();
  server.close(() => {
    clearInterval(idle);
    process.exit(0);
  });
  server.closeIdleConnections?.();
}

server.once('error', (e) => {
  process.send?.({ error: String(e) });
  process.exit(1);
});
server.listen(Number(process.argv[2] ?? 0), process.argv[3] ?? '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
process.on('message', (m) => {
  if (m === 'close') close();
});
process.on('disconnect', () => process.exit(0));
