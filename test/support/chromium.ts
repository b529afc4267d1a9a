import { existsSync } from 'node:fs';

/**
 * Debian's Chromium (`apt-get install chromium`; scripts/test.sh installs it when run as root), or
 * CHROMIUM_PATH. playwright-core drives it; no browser is downloaded.
 */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  return path;
}

/**
 * Headless, as root in a container, and without the background traffic that a machine without
 * an outside network refuses (updates, sync, safe browsing).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
