/**
 * Browser-facing pages (the consent page) answer errors as HTML, not ErrorInfo: the reader is a
 * subscriber, not an API client. Thrown like ApiError; `http/on-error.ts` writes the response.
 */
export class HtmlPageError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410 | 500 | 503,
    readonly html: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`page error ${status}`);
    this.name = 'HtmlPageError';
  }
}
