// A light push sink for the digest peak measurement: answers 201 to every push, counts pushes per
// endpoint and keeps the time of the first and last. GET /stats answers the tally as JSON.
const http = require('http');
const port = Number(process.argv[2] || 9950);
const seen = new Map();
let first = null, last = null, total = 0;
http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    let duplicates = 0;
    for (const n of seen.values()) if (n > 1) duplicates += n - 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ total, distinct: seen.size, duplicates, first, last, spanMs: first && last ? last - first : 0 }));
    return;
  }
  req.on('data', () => {});
  req.on('end', () => {
    const now = Date.now();
    first ??= now; last = now; total++;
    seen.set(req.url, (seen.get(req.url) || 0) + 1);
    res.writeHead(201); res.end();
  });
}).listen(port, '127.0.0.1', () => console.log(`push sink on http://127.0.0.1:${port}`));
