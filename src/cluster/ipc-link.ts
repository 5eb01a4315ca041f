/** Links over a forked child's IPC channel: the coordinator's end (per child) and the worker's end. */
import type { ChildProcess } from 'node:child_process';
import { CloseNotifier, type Link } from './link.ts';
import {
  type CoordinatorMessage,
  isCoordinatorMessage,
  isWorkerMessage,
  type WorkerMessage,
} from './protocol.ts';

/** How a child ended, in words. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code}`;
}

/** The coordinator's end of a forked worker. Closing it disconnects, then kills the child if it lingers. */
export function childLink(child: ChildProcess, label: string): Link<CoordinatorMessage, WorkerMessage> {
  const closed = new CloseNotifier();
  child.on('exit', (code, signal) => closed.fire(describeExit(code, signal)));
  child.on('error', (error) => closed.fire(`failed: ${error.message}`));
  return {
    label,
    send: (message) =>
      new Promise((resolve) => {
        if (!child.connected) return resolve();
        child.send(message, (error) => {
          if (error) closed.fire(`cannot be reached: ${error.message}`);
          resolve();
        });
      }),
    onMessage: (handler) => {
      child.on('message', (message) => {
        if (isWorkerMessage(message)) handler(message);
      });
    },
    onClose: (handler) => closed.add(handler),
    close: () => {
      if (child.connected) child.disconnect();
      if (child.exitCode === null && child.signalCode === null) {
        // A worker leaves by itself once disconnected; one stuck in user code is killed.
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }
    },
  };
}

/** The worker's end, in a process forked with an IPC channel. */
export function parentLink(): Link<WorkerMessage, CoordinatorMessage> {
  const closed = new CloseNotifier();
  process.on('disconnect', () => closed.fire('the coordinator disconnected'));
  return {
    label: 'coordinator',
    send: (message) =>
      new Promise((resolve) => {
        if (!process.send || !process.connected) return resolve();
        process.send(message, undefined, {}, () => resolve());
      }),
    onMessage: (handler) => {
      process.on('message', (message) => {
        if (isCoordinatorMessage(message)) handler(message);
      });
    },
    onClose: (handler) => closed.add(handler),
    close: () => {
      if (process.connected) process.disconnect();
    },
  };
}
