/**
 * One end of a coordinator–worker connection, whatever carries it (a forked child's IPC channel, a TCP
 * socket). Messages arrive in order; `onClose` fires once, when the other side is gone for any reason.
 */
export interface Link<Out, In> {
  /** Resolves once handed to the OS; never rejects (a closed link drops the message: onClose says why). */
  send(message: Out): Promise<void>;
  onMessage(handler: (message: In) => void): void;
  /** `reason`: one line, e.g. "exited with code 1", "connection reset". */
  onClose(handler: (reason: string) => void): void;
  /** Ends the connection (and, for a local worker, makes sure its process goes). */
  close(): void;
  /** For messages: "worker 2 (pid 1234)", "worker 10.0.0.7:51234". */
  readonly label: string;
}

/** Calls each handler once with the first reason given, however many times the transport reports the end. */
export class CloseNotifier {
  readonly #handlers: ((reason: string) => void)[] = [];
  #reason: string | null = null;

  add(handler: (reason: string) => void): void {
    if (this.#reason !== null) queueMicrotask(() => handler(this.#reason as string));
    else this.#handlers.push(handler);
  }

  fire(reason: string): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    for (const handler of this.#handlers.splice(0)) handler(reason);
  }

  get closed(): boolean {
    return this.#reason !== null;
  }
}
