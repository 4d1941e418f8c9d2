/* global fetch, Buffer */
// The part of curl the README's walkthrough uses (-s, -w '… %{http_code} …', -H, -d, -X, a URL), for
// machines without curl: `curl() { node test/walkthrough/curl.mjs "$@"; }`. Same output, same exit codes
// for a connection failure (7) and a bad option (2).
const args = process.argv.slice(2);
const headers = {};
let method;
let data;
let format = '';
let url;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-s' || a === '--silent') continue;
  else if (a === '-H' || a === '--header') {
    const h = args[++i];
    const colon = h.indexOf(':');
    headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  } else if (a === '-d' || a === '--data') data = args[++i];
  else if (a === '-X' || a === '--request') method = args[++i];
  else if (a === '-w' || a === '--write-out') format = args[++i];
  else if (!a.startsWith('-')) url = a;
  else {
    process.stderr.write(`curl.mjs: option ${a} is not supported\n`);
    process.exit(2);
  }
}
if (data !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
try {
  const res = await fetch(url, {
    method: method ?? (data !== undefined ? 'POST' : 'GET'),
    headers,
    body: data,
  });
  process.stdout.write(Buffer.from(await res.arrayBuffer()));
  process.stdout.write(format.replaceAll('%{http_code}', String(res.status)).replaceAll('\\n', '\n'));
} catch {
  process.exit(7);
}
