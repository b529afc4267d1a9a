import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { ConsentSource } from './port.js';

/** What the operator's channel needs to reach the subscriber: the link, never shown to the client. */
export type ConsentNotification = {
  requestId: string;
  clientId: string;
  applicationName: string;
  purpose: string;
  scopes: readonly string[];
  source: ConsentSource;
  url: string;
  createdAt: number;
  expiresAt: number;
};

/** Exactly the notification's fields of a capture request: the channel gets nothing else. */
export function notificationOf(
  request: Pick<
    ConsentNotification,
    'clientId' | 'purpose' | 'scopes' | 'source' | 'createdAt' | 'expiresAt'
  > & { id: string },
  applicationName: string,
  url: string,
): ConsentNotification {
  const { id, clientId, purpose, scopes, source, createdAt, expiresAt } = request;
  return { requestId: id, clientId, applicationName, purpose, scopes, source, url, createdAt, expiresAt };
}

/**
 * The operator's notification channel (SMS, app push): it receives the subscriber's number and
 * the link, and delivers the link to that subscriber only.
 */
export interface ConsentNotifier {
  deliver(notification: ConsentNotification, subscriber: string): Promise<void>;
}

const MAX_KEPT = 500;

/**
 * The sandbox channel: logs the link (without the number) and keeps the latest notifications in
 * process for GET /sandbox/consent-notifications, so that tests and developers can open them.
 */
export class SandboxOutbox implements ConsentNotifier {
  private readonly items: ConsentNotification[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  async deliver(notification: ConsentNotification): Promise<void> {
    this.items.push(notification);
    if (this.items.length > MAX_KEPT) this.items.splice(0, this.items.length - MAX_KEPT);
    this.logger.info('sandbox consent link', {
      requestId: notification.requestId,
      clientId: notification.clientId,
      purpose: notification.purpose,
      url: notification.url,
    });
  }

  /** Unexpired notifications, newest first, optionally for one application or request. */
  list(
    filter: { clientId?: string | undefined; requestId?: string | undefined } = {},
  ): ConsentNotification[] {
    const now = this.clock.now();
    return this.items
      .filter(
        (n) =>
          n.expiresAt > now &&
          (filter.clientId === undefined || n.clientId === filter.clientId) &&
          (filter.requestId === undefined || n.requestId === filter.requestId),
      )
      .reverse();
  }
}
