/**
 * Structured JSON logs, one line per event. Callers never pass subscriber numbers: log fields are
 * identifiers of the platform (client_id, correlator, route) or keyed pseudonyms (src/privacy),
 * not numbers. As a second lock, anything shaped like an E.164 number is redacted from each line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;
export type Logger = {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
};

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * `+` (or its URL encoding `%2B`) and 5 to 15 digits, not inside a longer run of digits: the
 * CAMARA PhoneNumber pattern, as it may appear in a message, a path or a `tel:` URI. Time-zone
 * offsets (`+01:00`) are too short to match.
 */
const E164 = /(\+|%2[Bb])[1-9][0-9]{4,14}(?![0-9])/g;

export function redactE164(line: string): string {
  return line.replace(E164, '[redacted-number]');
}

export type LoggerOptions = {
  /** Redact E.164-shaped values (default true). Tests turn it off to prove nothing needs it. */
  redact?: boolean;
};

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => console.log(l),
  options: LoggerOptions = {},
): Logger {
  const redact = options.redact ?? true;
  const at =
    (lvl: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: LogFields = {}) => {
      if (ORDER[lvl] < ORDER[level]) return;
      const line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields });
      write(redact ? redactE164(line) : line);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = createLogger('silent');
