// A client-side stdio transport that spawns its command and hashes every byte it writes and reads,
// to compare with what the server side saw. Lines are parsed as the SDK's own transport does.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineSplitter } from '../../src/cli/relay/line-splitter.js';

export interface StreamRecord { hash: Hash; bytes: number; messages: number }
const record = (): StreamRecord => ({ hash: createHash('sha256'), bytes: 0, messages: 0 });

export class HashingStdioClientTransport implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  readonly sent = record();
  readonly received = record();
  child?: ChildProcess;
  exited!: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first stderr line matching `stderrLine`, when given. */
  announced!: Promise<string>;
  /** Everything the child wrote on stderr so far. */
  stderr = '';

  constructor(private readonly command: string, private readonly args: readonly string[],
    private readonly options: { env?: NodeJS.ProcessEnv; stderrLine?: RegExp } = {}) {}

  async start(): Promise<void> {
    const child = this.child = spawn(this.command, [...this.args], { stdio: ['pipe', 'pipe', 'pipe'], env: this.options.env ?? process.env });
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => {
      resolve({ code, signal });
      this.onclose?.();
    }));
    this.announced = new Promise((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        this.stderr += chunk.toString('utf8');
        const match = this.options.stderrLine?.exec(this.stderr);
        if (match) resolve(match[1] ?? match[0]);
      });
    });
    const lines = new LineSplitter((line) => {
      this.received.messages++;
      this.onmessage?.(JSON.parse(line.toString('utf8')) as JSONRPCMessage);
    }, () => {});
    child.stdout!.on('data', (chunk: Buffer) => {
      this.received.hash.update(chunk);
      this.received.bytes += chunk.length;
      lines.push(chunk);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const line = `${JSON.stringify(message)}\n`;
    this.sent.hash.update(line);
    this.sent.bytes += Buffer.byteLength(line);
    this.sent.messages++;
    this.child!.stdin!.write(line);
  }

  async close(): Promise<void> {
    this.child!.stdin!.end();
    await this.exited;
  }
}
