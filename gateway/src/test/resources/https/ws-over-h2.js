// Opens a WebSocket over HTTP/2 (RFC 8441) the way a browser does on an h2 connection: an extended CONNECT with
// :protocol websocket, then WebSocket frames in the stream's DATA. Sends "hi", prints what comes back.
// Usage: node ws-over-h2.js https://web.localhost:8443 root.pem web.localhost /ws
const http2 = require('http2');
const fs = require('fs');
const [url, ca, host, path] = process.argv.slice(2);
const session = http2.connect(url, { ca: fs.readFileSync(ca), servername: host });
const fail = (why) => { console.log('error ' + why); process.exit(2); };
session.on('error', (e) => fail(e.message));
setTimeout(() => fail('timed out'), 10000).unref();
session.on('remoteSettings', (settings) => {
  if (!settings.enableConnectProtocol) fail('the server does not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL');
  const stream = session.request({
    ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'https', ':authority': host, ':path': path,
    'sec-websocket-version': '13', origin: 'https://' + host,
  }, { endStream: false });
  stream.on('error', (e) => fail(e.message));
  stream.on('response', (headers) => {
    console.log('status ' + headers[':status']);
    const text = Buffer.from('hi');
    const mask = Buffer.from([1, 2, 3, 4]);
    const frame = Buffer.alloc(6 + text.length);
    frame[0] = 0x81; // FIN, text
    frame[1] = 0x80 | text.length; // masked, as clients must
    mask.copy(frame, 2);
    for (let i = 0; i < text.length; i++) frame[6 + i] = text[i] ^ mask[i % 4];
    stream.write(frame);
  });
  let got = Buffer.alloc(0);
  stream.on('data', (d) => {
    got = Buffer.concat([got, d]);
    if (got.length >= 2 && got.length >= 2 + got[1]) {
      console.log('message ' + got.subarray(2, 2 + got[1]).toString());
      stream.close();
      session.close();
    }
  });
});
