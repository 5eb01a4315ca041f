/** The oldest Node volley runs on, [major, minor]. */
export const MIN_NODE: readonly [number, number];
/** null when `version` is new enough; otherwise the one line to print. */
export function nodeVersionProblem(version: string): string | null;
