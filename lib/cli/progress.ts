/** A one-line progress bar on interactive terminals; silent otherwise (CI, pipes, --json). */
export class Progress {
  private readonly enabled: boolean;
  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    enabled = stream.isTTY === true && total > 1,
  ) {
    this.enabled = enabled;
  }

  update(done: number, label: string): void {
    if (!this.enabled) return;
    const width = 24;
    const filled = Math.round((done / this.total) * width);
    this.stream.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${this.total} ${label.slice(0, 40).padEnd(40)}`);
  }

  done(): void {
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}
