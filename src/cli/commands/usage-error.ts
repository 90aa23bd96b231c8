/** A mistake in a command's arguments: the CLI prints it with the command's usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = 'UsageError';
  }
}
