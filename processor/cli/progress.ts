import { MultiBar, type SingleBar } from 'cli-progress';

/** Progress on a TTY (stderr), with finding lines printed above the bar; plain console output otherwise. */
export class ReplayProgress {
  private readonly bars: MultiBar | undefined;
  private readonly bar: SingleBar | undefined;

  constructor(totalFiles: number, showBar: boolean) {
    if (!showBar) return;
    this.bars = new MultiBar({
      format: 'replay [{bar}] {value}/{total} files | {events} events | {file}',
      stream: process.stderr,
      hideCursor: true,
    });
    this.bar = this.bars.create(totalFiles, 0, { events: 0, file: '' });
  }

  line(text: string): void {
    if (this.bars) this.bars.log(`${text}\n`);
    else process.stdout.write(`${text}\n`);
  }

  update(filesDone: number, events: number, file: string): void {
    this.bar?.update(filesDone, { events, file });
  }

  stop(): void {
    this.bars?.stop();
  }
}
