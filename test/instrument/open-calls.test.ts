// OpenCalls: a handler's extra (sessionId, requestId, requestInfo) finds its own call, never another client's.
import { describe, expect, it } from 'vitest';
import { OpenCalls, type CallRef } from '../../src/instrument/open-calls.js';

interface Call { name: string; requestInfo?: object }

describe('OpenCalls', () => {
  const postA = { headers: {} };
  const postB = { headers: {} };
  const open = new OpenCalls<Call>();
  open.add('A', new Map([[1, { name: 'A1' }]]));
  open.add('B', new Map([[1, { name: 'B1' }]]));
  // Two stdio-like transports without request info; two stateless HTTP transports, one per POST.
  open.add(undefined, new Map<string | number, Call>([['x', { name: 'S1x' }], [7, { name: 'S17' }]]));
  open.add(undefined, new Map([[7, { name: 'S27' }]]));
  open.add(undefined, new Map([[3, { name: 'HA3', requestInfo: postA }]]));
  open.add(undefined, new Map([[3, { name: 'HB3', requestInfo: postB }]]));
  const cases: { name: string; lookup: CallRef; want: string | undefined }[] = [
    { name: 'session A, id 1', lookup: { sessionId: 'A', requestId: 1 }, want: 'A1' },
    { name: 'session B, same id 1', lookup: { sessionId: 'B', requestId: 1 }, want: 'B1' },
    { name: 'unknown session', lookup: { sessionId: 'C', requestId: 1 }, want: undefined },
    { name: 'session-less id only one transport has', lookup: { requestId: 'x' }, want: 'S1x' },
    { name: 'session-less id two transports have, nothing to tell them apart: not guessed', lookup: { requestId: 7 }, want: undefined },
    { name: 'session-less id nobody has', lookup: { requestId: 99 }, want: undefined },
    { name: 'stateless HTTP: same id on two POSTs, the handler of POST A', lookup: { requestId: 3, requestInfo: postA }, want: 'HA3' },
    { name: 'stateless HTTP: same id on two POSTs, the handler of POST B', lookup: { requestId: 3, requestInfo: postB }, want: 'HB3' },
    { name: 'stateless HTTP: a POST whose call is no longer open', lookup: { requestId: 3, requestInfo: { headers: {} } }, want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => expect(open.find(c.lookup)?.name).toBe(c.want));
  }

  it('undo removes exactly what it filed, also after the session id was reused', () => {
    const calls = new OpenCalls<Call>();
    const undoOld = calls.add('S', new Map([[1, { name: 'old' }]]));
    calls.add('S', new Map([[1, { name: 'new' }]]));
    undoOld();
    expect(calls.find({ sessionId: 'S', requestId: 1 })?.name).toBe('new');
    const undoLess = calls.add(undefined, new Map([[2, { name: 'stdio' }]]));
    undoLess();
    expect(calls.find({ requestId: 2 })).toBeUndefined();
  });
});
