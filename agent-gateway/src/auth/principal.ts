// Who is on the other end of a connection, as its authenticator vouched.
// Every connection carries one; the audit log and an action's creator name it.

export interface Principal {
  /** How it authenticated: a person's token, an agent key, or --insecure-dev. */
  kind: 'user' | 'agent' | 'dev';
  /** The user name (or key id), as written in the audit log and in an action's creator. */
  name: string;
  /** The identity provider's subject (`sub`), which stays when a user name changes. */
  subject?: string;
  /** The agent key it connected with (agent-key-auth.ts). */
  keyId?: string;
  /** Realm roles (permissions.ts says what each allows). */
  roles: string[];
  /** Agent tags this principal may target; undefined means every tag. */
  tags?: string[];
  /** When its credential stops being valid (ms since the epoch); the connection is closed then. */
  expiresAtMs?: number;
}
