import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Outcome = { code: number | null; stdout: string; stderr: string };

/** `npm run bench -- <args>` as a child process (Node with the tsx loader, as the script runs it). */
function bench(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', ...args],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// The figures themselves depend on the machine: only the shape of the output is checked here.
describe('npm run bench -- --json', () => {
  it('prints only the figures, one object per scenario, on stdout', async () => {
    const out = await bench([
      '--only',
      'baseline',
      '--rounds',
      '1',
      '--warmup',
      '0',
      '--duration',
      '1',
      '--json',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const rows = JSON.parse(out.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      id: 'baseline',
      name: 'node:http baseline',
      kind: 'api',
      peer: false,
      redisMicrosPerCall: null,
      rounds: 1,
      failed: 0,
    });
    for (const key of ['requestsPerSecond', 'p50Ms', 'p99Ms', 'cpuMicrosPerCall', 'requests']) {
      expect(row?.[key], key).toEqual(expect.any(Number));
      expect(row?.[key] as number, key).toBeGreaterThan(0);
    }
    // No Redis in this scenario, so no round trips to report.
    expect(row).not.toHaveProperty('roundTripsPerCall');
    // The progress and the verdicts go to stderr.
    expect(out.stderr).toContain('node:http baseline');
    expect(out.stderr).toContain('verdicts');
  }, 60_000);

  it('refuses an unknown scenario before starting anything', async () => {
    const out = await bench(['--only', 'baseline,peer-nope', '--json']);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('unknown scenario: peer-nope');
  }, 60_000);
});
