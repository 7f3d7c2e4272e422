// Who is on the other end of a connection, as its authenticator vouched.
// Every connection carries one; the audit log and an action's creator name it.

export interface Principal {
  /** How it authenticated: a person's token, an agent key, or --insecure-dev. */
  kind: 'user' | 'agent' | 'dev';
  /** The subject, as written in the audit log and in an action's creator. */
  name: string;
  /** Realm roles; nothing checks them yet (view, add, administer come with identity). */
  roles: string[];
}
