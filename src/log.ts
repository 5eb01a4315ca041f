import { visibleLines } from './terminal-text.ts';

/** How a run reports what the user should know besides the statistics. Imports nothing: every layer logs. */
export type LogLevel = 'info' | 'warn' | 'error';
export type RunLogger = (level: LogLevel, message: string) => void;

/** The CLI's log: "warn: …" and "error: …" lines (info ones bare) on `stream`, stderr by default. */
export function streamLogger(stream: NodeJS.WritableStream = process.stderr): RunLogger {
  return (level, message) => {
    stream.write(`${level === 'info' ? '' : `${level}: `}${visibleLines(message)}\n`);
  };
}
