// Loaded with `node --require` before dynalite's CLI. dynalite 4.0.0 throws from a request's
// 'error' handler (index.js: `req.on('error', function (err) { throw err })`), so one client that
// disconnects mid-request (a relay killed with kill -9 while it writes) takes the whole server
// down, and with it every later test of the JVM. A disconnected client only loses its own request:
// log it and serve on. Anything else still ends the process, as before.
process.on('uncaughtException', function (err) {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    console.error('dynalite: a client disconnected mid-request (' + err.message + '); serving on');
    return;
  }
  console.error(err);
  process.exit(1);
});
