import { HtmlPageError } from '../http/html-page.js';
import { describeScope } from './scope-text.js';

/**
 * The consent page: plain HTML and one inline style sheet (allowed by a per-response nonce), no
 * script and nothing loaded from elsewhere, readable on a phone.
 */

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );

const STYLE = `
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f4f5f7}
main{max-width:30rem;margin:0 auto;padding:1.25rem;background:#fff;min-height:100vh;box-sizing:border-box}
.operator{margin:0 0 1rem;font-size:.875rem;color:#55596a;text-transform:uppercase;letter-spacing:.04em}
h1{font-size:1.375rem;line-height:1.3;margin:0 0 1rem}
h2{font-size:1rem;margin:1.5rem 0 .5rem}
ul{padding-left:1.25rem;margin:.25rem 0}li{margin:.25rem 0}
.muted{color:#55596a;font-size:.875rem}
form{display:flex;flex-direction:column;gap:.75rem;margin-top:1.5rem}
button{font:inherit;font-weight:600;padding:.875rem 1rem;border-radius:.5rem;border:2px solid #1d4ed8;cursor:pointer;width:100%}
.approve{background:#1d4ed8;color:#fff}.deny{background:#fff;color:#1d4ed8}
button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
`;

export type Page = { html: string; headers: Record<string, string> };

/**
 * CSP: nothing but the page's own style; forms post back to the platform only. Referrer policy
 * `same-origin`: the link (and its token) never leaves in a Referer, while the form post still
 * carries an Origin header the POST handler can check (`no-referrer` makes browsers send
 * `Origin: null`).
 */
function headersFor(nonce: string, publicOrigin: string): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self' ${publicOrigin}; frame-ancestors 'none'; base-uri 'none'`,
    'cache-control': 'no-store',
    'referrer-policy': 'same-origin',
  };
}

function layout(title: string, body: string, publicOrigin: string, operatorName: string): Page {
  const nonce = crypto.randomUUID().replace(/-/g, '');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escape(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
<p class="operator">${escape(operatorName)}</p>
${body}
</main>
</body>
</html>
`;
  return { html, headers: headersFor(nonce, publicOrigin) };
}

export type ConsentPageContext = { publicOrigin: string; operatorName: string };

export type ConsentForm = {
  action: string;
  applicationName: string;
  purposeTitle: string;
  purposeDescription: string;
  scopes: readonly string[];
  expiresAt: number;
  linkToken: string;
  csrf: string;
};

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function consentFormPage(ctx: ConsentPageContext, form: ConsentForm): Page {
  const items = form.scopes.map((s) => `<li>${escape(describeScope(s))}</li>`).join('');
  return layout(
    `${form.applicationName}: your consent`,
    `<h1>${escape(form.applicationName)} asks to use information about your mobile line</h1>
<p>Why: <strong>${escape(form.purposeTitle)}</strong>, ${escape(form.purposeDescription)}.</p>
<h2>What they would learn</h2>
<ul>${items}</ul>
<p class="muted">Only for this purpose. You can withdraw your consent at any time. This request expires on ${utc(form.expiresAt)}.</p>
<form method="post" action="${escape(form.action)}">
<input type="hidden" name="t" value="${escape(form.linkToken)}">
<input type="hidden" name="csrf" value="${escape(form.csrf)}">
<button type="submit" name="decision" value="grant" class="approve">Approve</button>
<button type="submit" name="decision" value="deny" class="deny">Deny</button>
</form>`,
    ctx.publicOrigin,
    ctx.operatorName,
  );
}

export function messagePage(ctx: ConsentPageContext, title: string, text: string): Page {
  return layout(
    title,
    `<h1>${escape(title)}</h1>\n<p>${escape(text)}</p>`,
    ctx.publicOrigin,
    ctx.operatorName,
  );
}

export function decidedPage(ctx: ConsentPageContext, applicationName: string, granted: boolean): Page {
  return granted
    ? messagePage(
        ctx,
        'Consent given',
        `You approved the request of ${applicationName}. You can withdraw your consent at any time.`,
      )
    : messagePage(ctx, 'Request denied', `You denied the request of ${applicationName}. Nothing was shared.`);
}

/** Subscriber-facing refusals: what happened and what to do, nothing about anyone's data. */
export const PAGE_ERRORS = {
  invalid: [404, 'Link not valid', 'This consent link is not valid. Use the latest link you received.'],
  forbidden: [
    403,
    'Request refused',
    'This page could not confirm your answer. Open the link you received again.',
  ],
  expired: [410, 'Request expired', 'This request has expired. Nothing was shared.'],
  decided: [409, 'Already answered', 'This request has already been answered.'],
  malformed: [
    400,
    'Request not understood',
    'The answer could not be read. Open the link you received again.',
  ],
} as const;

export function pageError(ctx: ConsentPageContext, kind: keyof typeof PAGE_ERRORS): HtmlPageError {
  const [status, title, text] = PAGE_ERRORS[kind];
  const page = messagePage(ctx, title, text);
  return new HtmlPageError(status, page.html, page.headers);
}
