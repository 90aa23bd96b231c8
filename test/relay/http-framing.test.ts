// The proxy's HTTP/1.1 framing reader cuts a byte stream into heads and bodies as it passes,
// however the bytes arrive: every split point of a connection's stream gives the same messages,
// the same bodies (chunked transfer coding removed) and the same bytes passed on.
import { describe, expect, it } from 'vitest';
import { HttpFraming, type HttpHead } from '../../src/cli/relay/http-framing.js';

interface Seen { events: string[]; passed: string }

/** Runs the stream through a reader in the given chunks; records heads, bodies, ends, and what it passed on. */
function read(kind: 'request' | 'response', chunks: Buffer[], requestMethods: string[] = []): Seen {
  const events: string[] = [];
  const passed: Buffer[] = [];
  let body: Buffer[] = [];
  const methods = [...requestMethods];
  const framing = new HttpFraming(kind, {
    head: (head: HttpHead) => {
      events.push(`head ${head.startLine.join(' ')} [${[...head.headers].map(([k, v]) => `${k}=${v}`).join(';')}]`);
      passed.push(Buffer.from(head.text, 'latin1'));
    },
    pass: (bytes) => passed.push(Buffer.from(bytes)),
    body: (data) => body.push(Buffer.from(data)),
    end: () => {
      events.push(`end ${Buffer.concat(body).toString('utf8')}`);
      body = [];
    },
    opaque: () => events.push('opaque'),
  }, () => methods.shift());
  for (const chunk of chunks) framing.push(chunk);
  framing.close();
  return { events, passed: Buffer.concat(passed).toString('latin1') };
}

/** Every way of cutting `text` into two chunks, and byte by byte, gives what one chunk gives; returns that. */
function sameAtEverySplit(kind: 'request' | 'response', text: string, methods: string[] = []): Seen {
  const bytes = Buffer.from(text);
  const whole = read(kind, [bytes], methods);
  for (let i = 0; i <= bytes.length; i++) expect(read(kind, [bytes.subarray(0, i), bytes.subarray(i)], methods)).toEqual(whole);
  expect(read(kind, [...bytes].map((b) => Buffer.from([b])), methods)).toEqual(whole);
  expect(whole.passed).toBe(bytes.toString('latin1'));
  return whole;
}

const POST = (body: string, extra = '') =>
  `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:8081\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('HttpFraming, requests', () => {
  it('reads pipelined requests with Content-Length and without a body, in order', () => {
    const text = POST('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', 'Mcp-Session-Id: abc\r\n') +
      'GET /mcp HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n' + POST('{"é":2}') +
      'DELETE /mcp HTTP/1.1\r\nhost: x\r\nmcp-session-id: abc\r\n\r\n';
    expect(sameAtEverySplit('request', text).events).toEqual([
      'head POST /mcp HTTP/1.1 [host=127.0.0.1:8081;content-type=application/json;mcp-session-id=abc;content-length=46]',
      'end {"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      'head GET /mcp HTTP/1.1 [host=x;accept=text/event-stream]',
      'end ',
      'head POST /mcp HTTP/1.1 [host=127.0.0.1:8081;content-type=application/json;content-length=8]',
      'end {"é":2}',
      'head DELETE /mcp HTTP/1.1 [host=x;mcp-session-id=abc]',
      'end ',
    ]);
  });

  it('removes the chunked coding from bodies (extensions, trailers) and passes the framed bytes on', () => {
    const text = 'POST /mcp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5\r\n{"a":\r\n3;ext=1\r\n12}\r\n0\r\nX-Trailer: t\r\n\r\n' + POST('{}');
    expect(sameAtEverySplit('request', text).events).toEqual([
      'head POST /mcp HTTP/1.1 [host=x;transfer-encoding=chunked]',
      'end {"a":12}',
      'head POST /mcp HTTP/1.1 [host=127.0.0.1:8081;content-type=application/json;content-length=2]',
      'end {}',
    ]);
  });

  it('joins repeated fields and keeps the last of a request that is still arriving unended', () => {
    const seen = read('request', [Buffer.from('POST /mcp HTTP/1.1\r\nAccept: a\r\naccept: b\r\nContent-Length: 10\r\n\r\n{"par')]);
    expect(seen.events).toEqual(['head POST /mcp HTTP/1.1 [accept=a, b;content-length=10]']);
  });

  it('passes the rest through unparsed after a head it cannot read, and says so once', () => {
    const text = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04';
    const seen = sameAtEverySplit('request', text);
    expect(seen.events).toEqual(['opaque']);
  });
});

describe('HttpFraming, responses', () => {
  it('reads an SSE answer (chunked), a JSON answer and an empty one, each for its request', () => {
    const sse = 'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n';
    const text = `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${Buffer.byteLength(sse).toString(16)}\r\n${sse}\r\n0\r\n\r\n` +
      'HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n"é"' +
      'HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n';
    expect(sameAtEverySplit('response', text, ['POST', 'POST', 'POST', 'HEAD']).events).toEqual([
      'head HTTP/1.1 200 OK [content-type=text/event-stream;transfer-encoding=chunked]',
      `end ${sse}`,
      'head HTTP/1.1 202 Accepted [content-length=0]',
      'end ',
      'head HTTP/1.1 200 OK [content-type=application/json;content-length=4]',
      'end "é"',
      // The answer to HEAD has no body whatever its Content-Length says.
      'head HTTP/1.1 200 OK [content-length=7]',
      'end ',
    ]);
  });

  it('reads interim answers, bodiless statuses, and a body that ends with the connection', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"until":"close"}';
    expect(sameAtEverySplit('response', text, ['POST', 'GET', 'GET']).events).toEqual([
      'head HTTP/1.1 100 Continue []',
      'end ',
      'head HTTP/1.1 204 No Content []',
      'end ',
      'head HTTP/1.1 304 Not Modified [content-length=9]',
      'end ',
      'head HTTP/1.1 200 OK [content-type=application/json]',
      'end {"until":"close"}',
    ]);
  });

  it('does not end a message the connection cut short', () => {
    const seen = read('response', [Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"cut')], ['POST']);
    expect(seen.events).toEqual(['head HTTP/1.1 200 OK [content-length=10]']);
    expect(read('response', [Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"cut')], ['POST']).events)
      .toEqual(['head HTTP/1.1 200 OK [transfer-encoding=chunked]']);
  });

  it('passes everything after 101 Switching Protocols through unparsed', () => {
    const text = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n\x00\x00\x00\x04\x00HTTP/1.1 200 OK\r\n\r\n';
    expect(sameAtEverySplit('response', text, ['GET']).events).toEqual([
      'head HTTP/1.1 101 Switching Protocols [upgrade=h2c;connection=Upgrade]',
      'opaque',
    ]);
  });
});
