/**
 * Verified tokens kept in process, keyed by the token's SHA-256, so the hot path skips the
 * signature check. Bounded (least recently used goes first) and never past the token's `exp`.
 */
export class TokenCache<T extends { exp: number }> {
  private readonly map = new Map<string, T>();

  constructor(private readonly maxEntries: number) {}

  get(hash: string, nowSeconds: number): T | undefined {
    const value = this.map.get(hash);
    if (value === undefined) return undefined;
    this.map.delete(hash);
    if (value.exp <= nowSeconds) return undefined;
    this.map.set(hash, value); // most recently used goes last
    return value;
  }

  set(hash: string, value: T): void {
    if (this.maxEntries === 0) return;
    this.map.delete(hash);
    this.map.set(hash, value);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(hash: string): void {
    this.map.delete(hash);
  }

  get size(): number {
    return this.map.size;
  }
}
