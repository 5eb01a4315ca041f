import type { FaultSwitch } from '../fault-switch.ts';
import type { PlatformTypes } from '../platform-proto.ts';
import type { DemoStore } from '../store.ts';
import type { TokenIssuer } from '../tokens.ts';

/** What route handlers share: created once per server. */
export interface DemoDeps {
  store: DemoStore;
  tokens: TokenIssuer;
  proto: PlatformTypes;
  faults: FaultSwitch;
  /** scrypt cost N of new passwords. */
  passwordCost: number;
}
