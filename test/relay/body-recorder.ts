// A plain HTTP relay between the proxy and the upstream server that hashes every request and
// answer body it carries: what the upstream really received and sent.
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startBodyRecorder(target: URL) {
  const requests = createHash('sha256');
  const answers = createHash('sha256');
  const bytes = { requestBytes: 0, answerBytes: 0 };
  const server = createServer((req, res) => {
    const up = request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } });
    req.on('data', (chunk: Buffer) => { requests.update(chunk); bytes.requestBytes += chunk.length; });
    req.pipe(up);
    up.on('response', (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.on('data', (chunk: Buffer) => { answers.update(chunk); bytes.answerBytes += chunk.length; });
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target.pathname, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    url,
    digests: () => ({ requests: requests.copy().digest('hex'), answers: answers.copy().digest('hex'), ...bytes }),
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}

/** A fetch for the SDK client transport that hashes every request body it sends and answer body it reads. */
export function hashingFetch() {
  const requests = createHash('sha256');
  const answers = createHash('sha256');
  const bytes = { requestBytes: 0, answerBytes: 0 };
  const pending: Promise<void>[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') {
      requests.update(init.body);
      bytes.requestBytes += Buffer.byteLength(init.body);
    }
    const response = await fetch(input, init);
    if (!response.body) return response;
    const [mine, theirs] = response.body.tee();
    pending.push((async () => {
      for await (const chunk of mine as unknown as AsyncIterable<Uint8Array>) {
        answers.update(chunk);
        bytes.answerBytes += chunk.length;
      }
    })().catch(() => {}));
    return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: fetcher,
    digests: async () => {
      await Promise.all(pending);
      return { requests: requests.copy().digest('hex'), answers: answers.copy().digest('hex'), ...bytes };
    },
  };
}
