/** InfluxDB answered a write with an error status; `statusCode` lets isRetriableAwsError see 429/5xx. */
export class InfluxWriteError extends Error {
  override readonly name = 'InfluxWriteError';
  constructor(
    readonly statusCode: number,
    /** The server's message (`error` of v1, `message` of v2), e.g. `partial write: ... dropped=1`. */
    readonly serverMessage: string,
  ) {
    super(`InfluxDB write failed with HTTP ${statusCode}: ${serverMessage}`);
  }

  /** The server refused some points of the batch (bad line, type conflict, out of retention). */
  get pointsRefused(): boolean {
    return this.statusCode === 400 || this.statusCode === 422;
  }

  /** The batch was too large for the server: a smaller one may pass. */
  get tooLarge(): boolean {
    return this.statusCode === 413;
  }

  /** Halves of the batch may fare differently: some points refused, or too much at once. */
  get splittable(): boolean {
    return this.pointsRefused || this.tooLarge;
  }

  /**
   * Dead-letter reason for the points of a refused write, e.g. `record_too_old`, `invalid_point`.
   *
   *   new InfluxWriteError(404, 'database not found: "x"').reason; // 'not_found'
   */
  get reason(): string {
    if (this.pointsRefused) {
      return /beyond retention/i.test(this.serverMessage) ? 'record_too_old' : 'invalid_point';
    }
    if (this.tooLarge) return 'too_large';
    if (this.statusCode === 401 || this.statusCode === 403) return 'unauthorized';
    if (this.statusCode === 404) return 'not_found';
    return `http_${this.statusCode}`;
  }
}

/** The write never got an HTTP answer (refused, reset, timed out): always worth another attempt. */
export class InfluxTransportError extends Error {
  override readonly name = 'InfluxTransportError';
  constructor(cause: unknown) {
    super(`InfluxDB unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
