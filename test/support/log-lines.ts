import { createLogger, type LogLevel, type Logger } from '../../src/log.js';

/** One log line as the platform writes it (src/log.ts), parsed. */
export type LogLine = { time: string; level: string; msg: string } & Record<string, unknown>;

/** A logger that keeps its lines, as written (redaction on), parsed back for the assertions. */
export function capturingLogger(level: LogLevel = 'debug'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger(level, (line) => lines.push(JSON.parse(line) as LogLine));
  return { logger, lines };
}
