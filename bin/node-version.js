// Plain JavaScript any Node can parse: bin/volley.js imports it before anything that needs a new Node.

/** The oldest Node volley runs on (package.json "engines"): type stripping and module.registerHooks. */
export const MIN_NODE = [22, 19];

/**
 * null when `version` ("v22.19.0" or "22.19.0") is new enough; otherwise the one line to print.
 * @param {string} version
 * @returns {string | null}
 */
export function nodeVersionProblem(version) {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return null;
  const shown = version.startsWith('v') ? version : `v${version}`;
  return `volley: needs Node.js >= ${MIN_NODE.join('.')} (this is ${shown}); install Node 22 or 24 from https://nodejs.org or with \`nvm install 24\``;
}
