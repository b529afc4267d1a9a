import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { base64url } from 'jose';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { undecodedCoding } from '../http/content-coding.js';
import type { Env } from '../http/env.js';
import { consentFormPage, decidedPage, messagePage, pageError, type ConsentPageContext } from './page.js';
import type { ConsentRequest, Decision } from './port.js';

const COOKIE = 'cg_consent';
const MAX_FORM_BYTES = 4096;

const contextOf = (deps: Deps): ConsentPageContext => ({
  publicOrigin: new URL(deps.config.publicUrl).origin,
  operatorName: deps.config.consent.operatorName,
});

const pagePath = (deps: Deps, id: string) =>
  `${new URL(deps.config.publicUrl).pathname.replace(/\/$/, '')}/consent/${id}`;

/** The request behind a link, or the page error the subscriber sees. */
async function requestFor(deps: Deps, id: string, token: string | undefined): Promise<ConsentRequest> {
  const ctx = contextOf(deps);
  const request = await deps.consent.getRequest(id);
  if (request === null || token === undefined) throw pageError(ctx, 'invalid');
  if (!(await deps.consentLinks.verify(id, request.expiresAt, token))) throw pageError(ctx, 'invalid');
  if (request.status === 'expired') throw pageError(ctx, 'expired');
  if (request.status !== 'pending') throw pageError(ctx, 'decided');
  return request;
}

async function readForm(c: Context<Env>): Promise<URLSearchParams | null> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;.*)?$/i.test(type) || undecodedCoding(c) !== undefined)
    return null;
  if (Number(c.req.header('content-length') ?? '0') > MAX_FORM_BYTES) return null;
  const text = await c.req.text();
  return text.length > MAX_FORM_BYTES ? null : new URLSearchParams(text);
}

/**
 * GET/POST /consent/{id}: the page the operator's channel links to. The link (`?t=`) is the
 * subscriber's credential; the form carries it back with an anti-CSRF value bound to a
 * SameSite=Strict cookie. Without `t` (Consent Info's captureUrl) the page only points the
 * subscriber to the link the operator sent them.
 */
export function consentPages(): Hono<Env> {
  const router = new Hono<Env>();

  router.get('/consent/:id', async (c) => {
    const deps = c.get('deps');
    const ctx = contextOf(deps);
    const id = c.req.param('id');
    const token = c.req.query('t');
    if (token === undefined) {
      const page = messagePage(
        ctx,
        'Check your phone',
        `To answer this request, open the link that ${deps.config.consent.operatorName} sent to the phone concerned.`,
      );
      return c.html(page.html, 200, page.headers);
    }
    const request = await requestFor(deps, id, token);
    const app = await deps.applications.get(request.clientId);
    const purpose = deps.purposes.get(request.purpose);
    if (app === null || purpose === undefined) throw pageError(ctx, 'invalid');
    const nonce = base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
    setCookie(c, COOKIE, nonce, {
      path: pagePath(deps, id),
      httpOnly: true,
      secure: deps.config.publicUrl.startsWith('https:'),
      sameSite: 'Strict',
      maxAge: Math.max(1, Math.ceil((request.expiresAt - deps.clock.now()) / 1000)),
    });
    const page = consentFormPage(ctx, {
      action: `${deps.config.publicUrl}/consent/${id}`,
      applicationName: app.name,
      purposeTitle: purpose.title,
      purposeDescription: purpose.description,
      scopes: request.scopes,
      expiresAt: request.expiresAt,
      linkToken: token,
      csrf: await deps.consentLinks.csrf(id, nonce),
    });
    return c.html(page.html, 200, page.headers);
  });

  router.post('/consent/:id', async (c) => {
    const deps = c.get('deps');
    const ctx = contextOf(deps);
    const id = c.req.param('id');
    // A browser names the page's origin; another origin is a cross-site post.
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== ctx.publicOrigin) throw pageError(ctx, 'forbidden');
    const form = await readForm(c);
    const decision = form?.get('decision');
    if (form === null || (decision !== 'grant' && decision !== 'deny')) throw pageError(ctx, 'malformed');
    const request = await requestFor(deps, id, form.get('t') ?? undefined);
    const nonce = getCookie(c, COOKIE);
    const csrf = form.get('csrf');
    if (nonce === undefined || csrf === null || !(await deps.consentLinks.verifyCsrf(id, nonce, csrf)))
      throw pageError(ctx, 'forbidden');
    const decided = await decide(deps, ctx, id, decision);
    if (request.source === 'authorize') {
      // The authorization endpoint resumes the flow in this same browser.
      return c.redirect(`${deps.config.publicUrl}/oauth2/authorize/continue?consent_request=${id}`, 303);
    }
    const app = await deps.applications.get(request.clientId);
    const page = decidedPage(ctx, app?.name ?? request.clientId, decided.status === 'granted');
    return c.html(page.html, 200, page.headers);
  });

  return router;
}

async function decide(deps: Deps, ctx: ConsentPageContext, id: string, decision: Decision) {
  try {
    return await deps.consentManager.decideByLink(id, decision);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'CONSENT.REQUEST_EXPIRED') throw pageError(ctx, 'expired');
    if (error.code === 'CONSENT.ALREADY_DECIDED') throw pageError(ctx, 'decided');
    throw pageError(ctx, 'invalid');
  }
}
