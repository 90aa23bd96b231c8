// OpenCalls: a handler's (sessionId, requestId) finds its own call, never another session's.
import { describe, expect, it } from 'vitest';
import { OpenCalls } from '../../src/instrument/open-calls.js';

describe('OpenCalls', () => {
  const cases: { name: string; lookup: { sessionId?: string; requestId: string | number }; want: string | undefined }[] = [
    { name: 'session A, id 1', lookup: { sessionId: 'A', requestId: 1 }, want: 'A1' },
    { name: 'session B, same id 1', lookup: { sessionId: 'B', requestId: 1 }, want: 'B1' },
    { name: 'unknown session', lookup: { sessionId: 'C', requestId: 1 }, want: undefined },
    { name: 'session-less id only one stdio transport has', lookup: { requestId: 'x' }, want: 'S1x' },
    { name: 'session-less id two transports have: not guessed', lookup: { requestId: 7 }, want: undefined },
    { name: 'session-less id nobody has', lookup: { requestId: 99 }, want: undefined },
  ];
  const open = new OpenCalls<string>();
  open.add('A', new Map([[1, 'A1']]));
  open.add('B', new Map([[1, 'B1']]));
  open.add(undefined, new Map<string | number, string>([['x', 'S1x'], [7, 'S17']]));
  open.add(undefined, new Map([[7, 'S27']]));
  for (const c of cases) {
    it(c.name, () => expect(open.find(c.lookup)).toBe(c.want));
  }

  it('undo removes exactly what it filed, also after the session id was reused', () => {
    const calls = new OpenCalls<string>();
    const undoOld = calls.add('S', new Map([[1, 'old']]));
    calls.add('S', new Map([[1, 'new']]));
    undoOld();
    expect(calls.find({ sessionId: 'S', requestId: 1 })).toBe('new');
    const undoLess = calls.add(undefined, new Map([[2, 'stdio']]));
    undoLess();
    expect(calls.find({ requestId: 2 })).toBeUndefined();
  });
});
