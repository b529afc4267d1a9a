import { base64url } from 'jose';
import { constantTimeEqual, HmacKey } from '../hash.js';

const decode = (text: string): Uint8Array<ArrayBuffer> | null => {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null;
  try {
    return new Uint8Array(base64url.decode(text));
  } catch {
    return null;
  }
};

/**
 * The consent link is the subscriber's credential: `/consent/{id}?t=<mac>`, where the MAC binds
 * the request id and its expiry under a key only the platform holds. It is unguessable (a random
 * id and a 256-bit MAC), expires with the request, and works once (the decision is single use).
 * The anti-CSRF value of the page binds the request to a per-browser cookie nonce the same way.
 */
export class ConsentLinks {
  private constructor(
    private readonly key: HmacKey,
    readonly publicUrl: string,
  ) {}

  static async create(secret: Uint8Array<ArrayBuffer>, publicUrl: string): Promise<ConsentLinks> {
    return new ConsentLinks(new HmacKey(secret), publicUrl);
  }

  private async mac(text: string): Promise<string> {
    return base64url.encode(this.key.mac(text));
  }

  private async check(text: string, presented: string): Promise<boolean> {
    const bytes = decode(presented);
    return bytes !== null && constantTimeEqual(this.key.mac(text), bytes);
  }

  /** The credential link the operator's channel delivers to the subscriber. */
  async url(id: string, expiresAt: number): Promise<string> {
    return `${this.publicUrl}/consent/${id}?t=${await this.mac(`link\n${id}\n${expiresAt}`)}`;
  }

  async verify(id: string, expiresAt: number, token: string): Promise<boolean> {
    return this.check(`link\n${id}\n${expiresAt}`, token);
  }

  /**
   * What an API consumer may show the user (Consent Info `captureUrl`): the request's page
   * without the credential, which tells the subscriber to use the link the operator sent.
   */
  publicCaptureUrl(id: string): string {
    return `${this.publicUrl}/consent/${id}`;
  }

  async csrf(id: string, nonce: string): Promise<string> {
    return this.mac(`csrf\n${id}\n${nonce}`);
  }

  async verifyCsrf(id: string, nonce: string, value: string): Promise<boolean> {
    return this.check(`csrf\n${id}\n${nonce}`, value);
  }
}
